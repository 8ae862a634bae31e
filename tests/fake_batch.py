"""The local OpenAI-compatible server plus the Files and Batches endpoints (127.0.0.1 only).

POST /v1/files (multipart, purpose=batch) stores a file; GET /v1/files/{id}/content returns it;
POST /v1/batches creates a batch over an uploaded JSONL of chat-completion requests and answers
each line with the server's responder (not counted as chat requests); GET /v1/batches/{id}
reports it "in_progress" for `polls_before_done` reads, then "completed" with an output file.
"""

from __future__ import annotations

import json
import threading
import time
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fake_openai import FakeOpenAI, Reply, _handler


class FakeBatchOpenAI(FakeOpenAI):
    """FakeOpenAI with /v1/files and /v1/batches; `batch_requests` counts lines answered."""

    def __init__(self, *args: Any, polls_before_done: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.files: dict[str, tuple[str, bytes]] = {}  # id -> (purpose, content)
        self.batches: dict[str, dict[str, Any]] = {}
        self.polls: dict[str, int] = {}
        self.polls_before_done = polls_before_done
        self.batch_requests = 0
        self._batch_lock = threading.Lock()
        self._httpd.RequestHandlerClass = _batch_handler(self)

    def add_file(self, purpose: str, content: bytes) -> dict[str, Any]:
        with self._batch_lock:
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = (purpose, content)
        return {"id": file_id, "object": "file", "bytes": len(content), "created_at": int(time.time()),
                "filename": f"{file_id}.jsonl", "purpose": purpose, "status": "processed"}  # fmt: skip

    def run_batch(self, input_file_id: str, endpoint: str, window: str, metadata: Any) -> dict[str, Any]:
        _, content = self.files[input_file_id]
        out: list[str] = []
        for n, line in enumerate(content.decode("utf-8").splitlines()):
            req = json.loads(line)
            got = self.responder(req["body"])
            reply = got if isinstance(got, Reply) else Reply(payload=got)
            body = self.completion(req["body"], reply)
            self.batch_requests += 1
            out.append(json.dumps({"id": f"batch_req_{n}", "custom_id": req["custom_id"],
                                   "response": {"status_code": 200, "request_id": f"req_{n}", "body": body},
                                   "error": None}))  # fmt: skip
        output = self.add_file("batch_output", ("\n".join(out) + "\n").encode("utf-8"))
        batch_id = f"batch_{len(self.batches) + 1}"
        total = len(out)
        self.batches[batch_id] = {
            "id": batch_id, "object": "batch", "endpoint": endpoint, "errors": None,
            "input_file_id": input_file_id, "completion_window": window, "status": "in_progress",
            "output_file_id": None, "error_file_id": None, "created_at": int(time.time()),
            "request_counts": {"total": total, "completed": 0, "failed": 0}, "metadata": metadata,
            "_output": output["id"],
        }  # fmt: skip
        self.polls[batch_id] = 0
        return self.view(batch_id, poll=False)

    def view(self, batch_id: str, poll: bool = True) -> dict[str, Any]:
        batch = self.batches[batch_id]
        if poll:
            self.polls[batch_id] += 1
            if self.polls[batch_id] > self.polls_before_done and batch["status"] == "in_progress":
                total = batch["request_counts"]["total"]
                batch.update(status="completed", output_file_id=batch["_output"],
                             request_counts={"total": total, "completed": total, "failed": 0})  # fmt: skip
        return {k: v for k, v in batch.items() if not k.startswith("_")}


def _multipart(content_type: str, raw: bytes) -> dict[str, bytes]:
    msg = BytesParser(policy=email_policy).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    fields: dict[str, bytes] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[str(name)] = part.get_payload(decode=True) or b""
    return fields


def _batch_handler(server: FakeBatchOpenAI) -> type[BaseHTTPRequestHandler]:
    base = _handler(server)

    class Handler(base):  # type: ignore[valid-type,misc]
        def do_GET(self) -> None:
            parts = self.path.split("?")[0].strip("/").split("/")  # v1, files|batches, id, [content]
            if len(parts) >= 3 and parts[1] == "batches" and parts[2] in server.batches:
                self._send(200, server.view(parts[2]))
            elif len(parts) == 4 and parts[1] == "files" and parts[3] == "content" and parts[2] in server.files:
                self._send(200, server.files[parts[2]][1])
            else:
                super().do_GET()

        def do_POST(self) -> None:
            path = self.path.split("?")[0].rstrip("/")
            if not (path.endswith("/files") or path.endswith("/batches")):
                super().do_POST()
                return
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path.endswith("/files"):
                fields = _multipart(self.headers.get("Content-Type", ""), raw)
                self._send(200, server.add_file(fields.get("purpose", b"").decode(), fields.get("file", b"")))
                return
            body = json.loads(raw)
            if body.get("input_file_id") not in server.files or body.get("endpoint") != "/v1/chat/completions":
                self._send(400, {"error": {"message": "bad batch request", "type": "invalid_request_error"}})
                return
            self._send(200, server.run_batch(body["input_file_id"], body["endpoint"],
                                             body.get("completion_window", ""), body.get("metadata")))  # fmt: skip

    return Handler
