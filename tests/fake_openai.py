"""A local OpenAI-compatible server for tests and benchmarks (127.0.0.1 only, ephemeral port).

POST /v1/chat/completions answers from a pluggable responder; GET /v1/models lists one model.
It counts requests, prompt characters and tokens and the peak number of requests in flight, can
delay every answer, and injects faults (429 with or without Retry-After, 500/502/503, a hang past
the client timeout, a connection reset mid-response, a non-JSON body, schema-violating JSON,
finish_reason=length, a refusal, empty choices, a 401 quoting the key it rejects).

    python -m tests.fake_openai --reference --port 8765     # serve hand-written reference answers
"""

from __future__ import annotations

import argparse
import json
import math
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "fixtures" / "reference"
FAULTS = (
    "429", "500", "502", "503", "hang", "reset", "non_json", "bad_schema",
    "length", "refusal", "empty_choices", "401_echo",
)  # fmt: skip
_ARTICLE = re.compile(r"<article>\n?(.*?)\n?</article>", re.S)
_CONTEXT = re.compile(r"<context>\n?(.*?)\n?</context>", re.S)
_QUOTES_HEADER = "Quotes (id, speaker_id, text):"  # as in prompts/compare.v1.md
_CLAIMS_HEADER = "Claims (claim_id,"


@dataclass
class Reply:
    """One answer: a structured `payload` (sent as tool arguments or JSON content), or raw text."""

    payload: Any = None
    content: str | None = None
    finish_reason: str = "stop"


@dataclass
class Fault:
    kind: str
    times: int = 1
    retry_after: str | None = None
    match: str | None = None  # only requests whose prompt contains this text


@dataclass
class Stats:
    requests: int = 0
    prompt_chars: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    faults_served: list[str] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)


Responder = Callable[[dict[str, Any]], "Reply | dict[str, Any]"]


def _contents(body: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    for m in body.get("messages", []):
        c = m.get("content")
        if isinstance(c, str):
            parts.append(c)
        elif isinstance(c, list):
            parts.extend(p.get("text", "") for p in c if isinstance(p, dict))
    return parts


def prompt_text(body: dict[str, Any]) -> str:
    return "\n".join(_contents(body))


def prompt_chars(body: dict[str, Any]) -> int:
    """Message characters plus any tool or json_schema definition: all the model reads."""
    n = sum(len(c) for c in _contents(body))
    if "tools" in body:
        n += len(json.dumps(body["tools"], separators=(",", ":")))
    if (body.get("response_format") or {}).get("type") == "json_schema":
        n += len(json.dumps(body["response_format"], separators=(",", ":")))
    return n


def article_of(body: dict[str, Any]) -> tuple[str, str]:
    """The <article> and <context> blocks of the last user message ("" when absent)."""
    users = [m.get("content") for m in body.get("messages", []) if m.get("role") == "user"]
    text = next((u for u in users if isinstance(u, str) and "<article>" in u), "")
    a, c = _ARTICLE.search(text), _CONTEXT.search(text)
    return (a.group(1) if a else "", c.group(1) if c else "")


def scripted(replies: list[Reply | dict[str, Any]], then: Responder | None = None) -> Responder:
    """Answer with `replies` in order, then with `then` (an error once both run out)."""
    queue = list(replies)
    lock = threading.Lock()

    def respond(body: dict[str, Any]) -> Reply | dict[str, Any]:
        with lock:
            if queue:
                return queue.pop(0)
        if then is None:
            raise LookupError("scripted responder has no reply left")
        return then(body)

    return respond


def empty_responder(body: dict[str, Any]) -> dict[str, Any]:
    return {"speakers": [], "quotes": [], "claims": []}


def load_references(directory: Path = REFERENCE_DIR, task: str = "extract") -> list[dict[str, Any]]:
    """The hand-written answers for `task` (files without a "task" field are extraction chunks)."""
    refs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]
    return [r for r in refs if r.get("task", "extract") == task]


def _json_lines(text: str) -> list[dict[str, Any]]:
    items = []
    for line in text.splitlines():
        if line.strip().startswith("{"):
            try:
                items.append(json.loads(line))
            except ValueError:
                continue
    return items


def compare_listing(body: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """The speakers and quotes a compare request lists (prompts/compare.v1.md); None otherwise."""
    users = [m.get("content") for m in body.get("messages", []) if m.get("role") == "user"]
    text = next((u for u in users if isinstance(u, str) and _QUOTES_HEADER in u), None)
    if text is None:
        return None
    head, _, quotes = text.partition(_QUOTES_HEADER)
    return _json_lines(head.split(_CLAIMS_HEADER, 1)[0]), _json_lines(quotes)


def _same_name(a: str, b: str) -> bool:
    from claims.names import normalise, same_entity

    return normalise(a) == normalise(b) or same_entity(a, b)


def answer_compare(response: dict[str, Any], speakers: list[dict[str, Any]], quotes: list[dict[str, Any]]) -> dict[str, Any]:
    """A compare reference (speakers by name, quotes by verbatim excerpt) in the ids of the request:
    a stance is kept when its speaker is listed and at least one excerpt is in a quote by them."""
    stances = []
    for st in response.get("stances", []):
        sid = next((s["id"] for s in speakers if _same_name(st["speaker"], s.get("name") or "")), None)
        if sid is None:
            continue
        qids = []
        for excerpt in st["quotes"]:
            qid = next((q["id"] for q in quotes if q.get("speaker_id") == sid and excerpt in q.get("text", "")), None)
            if qid is not None and qid not in qids:
                qids.append(qid)
        if qids:
            stances.append({
                "speaker_id": sid, "proposition_id": st["proposition_id"], "stance": st["stance"],
                "hedged": st["hedged"], "quote_ids": qids, "rationale": st["rationale"],
            })  # fmt: skip
    used = {st["proposition_id"] for st in stances}
    return {"propositions": [p for p in response.get("propositions", []) if p["id"] in used], "stances": stances}


def filter_reference(response: dict[str, Any], article: str, context: str) -> dict[str, Any]:
    """The reference items grounded in `article`: a sub-chunk gets the part of the answer it holds."""
    quotes = []
    for q in response.get("quotes", []):
        if q["text"] in article:
            quotes.append({**q, "cue": q.get("cue") if (q.get("cue") or "") in article else None})
    quote_ids = {q["id"] for q in quotes}
    claims = []
    for c in response.get("claims", []):
        if c["source"] in article:
            hedging = dict(c.get("hedging") or {})
            hedging["cues"] = [k for k in hedging.get("cues", []) if k["text"] in article]
            if not hedging["cues"] and hedging.get("level") not in (None, "none"):
                hedging["level"] = "none"
            claims.append({**c, "quote": c.get("quote") if c.get("quote") in quote_ids else None, "hedging": hedging})
    used = {q.get("speaker") for q in quotes} | {c.get("speaker") for c in claims}
    speakers = []
    for s in response.get("speakers", []):
        if s["id"] in used:
            mentions = [m for m in s.get("mentions", []) if m in article or m in context]
            name = s["name"]
            if mentions and name not in article and name not in context:
                name = max(mentions, key=len)  # a model only knows the names it is shown
            speakers.append({**s, "name": name, "mentions": mentions})
    return {"speakers": speakers, "quotes": quotes, "claims": claims}


class ReferenceResponder:
    """Answers with the hand-written reference output whose items are grounded in the chunk sent;
    a compare request gets the compare reference whose speakers and quotes it lists."""

    def __init__(self, directory: Path = REFERENCE_DIR, fallback: Responder | None = empty_responder) -> None:
        self.references = load_references(directory)
        self.comparisons = load_references(directory, "compare")
        self.fallback = fallback

    def __call__(self, body: dict[str, Any]) -> Reply | dict[str, Any]:
        listing = compare_listing(body)
        if listing is not None:
            for ref in self.comparisons:
                answer = answer_compare(ref["response"], *listing)
                if answer["stances"]:
                    return answer
            return {"propositions": [], "stances": []}
        article, context = article_of(body)
        merged: dict[str, list[Any]] = {"speakers": [], "quotes": [], "claims": []}
        for ref in self.references:
            part = filter_reference(ref["response"], article, context)
            if part["quotes"] or part["claims"]:
                for k in merged:
                    merged[k].extend(part[k])
                break  # one reference article per chunk
        if merged["quotes"] or merged["claims"] or self.fallback is None:
            return merged
        return self.fallback(body)


class _Server(ThreadingHTTPServer):
    """Quiet about clients that hang up mid-answer (a cancelled or killed run): expected here."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeOpenAI:
    """Start with `with FakeOpenAI(responder) as server:`; point clients at `server.base_url`."""

    def __init__(self, responder: Responder | None = None, delay: float = 0.0, port: int = 0,
                 hang_seconds: float = 30.0, model: str = "reference-model") -> None:  # fmt: skip
        self.responder: Responder = responder or ReferenceResponder()
        self.delay = delay
        self.hang_seconds = hang_seconds
        self.model = model
        self.stats = Stats()
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAI:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, kind: str, *, times: int = 1, retry_after: str | float | None = None,
               match: str | None = None) -> None:  # fmt: skip
        """Serve fault `kind` to the next `times` matching requests (before the responder)."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; one of {FAULTS}")
        ra = None if retry_after is None else str(retry_after)
        with self._lock:
            self.faults.append(Fault(kind, times, ra, match))

    def reset_stats(self) -> None:
        with self._lock:
            self.stats = Stats()

    def _take_fault(self, body: dict[str, Any]) -> Fault | None:
        text = prompt_text(body)
        with self._lock:
            for f in self.faults:
                if f.times > 0 and (f.match is None or f.match in text):
                    f.times -= 1
                    self.stats.faults_served.append(f.kind)
                    return f
        return None

    def _enter(self, body: dict[str, Any]) -> None:
        chars = prompt_chars(body)
        with self._lock:
            s = self.stats
            s.requests += 1
            s.prompt_chars += chars
            s.prompt_tokens += math.ceil(chars / 4)
            s.in_flight += 1
            s.peak_in_flight = max(s.peak_in_flight, s.in_flight)
            s.bodies.append(body)

    def _leave(self, completion_chars: int) -> None:
        with self._lock:
            self.stats.in_flight -= 1
            self.stats.completion_tokens += math.ceil(completion_chars / 4)

    def completion(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        """A chat.completion object carrying `reply` in the shape the request asked for."""
        message: dict[str, Any] = {"role": "assistant", "content": None}
        if reply.content is not None:
            message["content"] = reply.content
            text = reply.content
        else:
            text = json.dumps(reply.payload, ensure_ascii=False)
            tools = body.get("tools") or []
            if tools:
                name = tools[0]["function"]["name"]
                message["tool_calls"] = [
                    {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}
                ]
            else:
                message["content"] = text
        prompt_tokens = math.ceil(prompt_chars(body) / 4)
        completion_tokens = math.ceil(len(text) / 4)
        return {
            "id": f"chatcmpl-fake-{self.stats.requests}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> int:
            data = obj if isinstance(obj, bytes) else json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            return len(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": server.model, "object": "model", "owned_by": "local"}]})
            else:
                self._send(404, {"error": {"message": "not found", "type": "not_found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": "not found", "type": "not_found"}})
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self._send(400, {"error": {"message": "request body is not JSON", "type": "invalid_request_error"}})
                return
            server._enter(body)
            sent = 0
            try:
                if server.delay:
                    server._stopping.wait(server.delay)
                fault = server._take_fault(body)
                sent = self._fault(body, fault) if fault else self._answer(body)
            finally:
                server._leave(sent)

        def _answer(self, body: dict[str, Any], reply: Reply | None = None) -> int:
            if reply is None:
                try:
                    got = server.responder(body)
                except LookupError as exc:
                    return self._send(500, {"error": {"message": str(exc), "type": "server_error"}})
                reply = got if isinstance(got, Reply) else Reply(payload=got)
            return self._send(200, server.completion(body, reply))

        def _fault(self, body: dict[str, Any], f: Fault) -> int:
            if f.kind in ("429", "500", "502", "503"):
                headers = {"Retry-After": f.retry_after} if f.retry_after is not None else {}
                kind = "rate_limit_exceeded" if f.kind == "429" else "server_error"
                return self._send(int(f.kind), {"error": {"message": f"injected {f.kind}", "type": kind}}, headers)
            if f.kind == "401_echo":  # a proxy that quotes the key it rejects, as some do
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                error = {"message": f"Incorrect API key provided: {token}", "type": "invalid_request_error"}
                return self._send(401, {"error": error})
            if f.kind == "hang":
                server._stopping.wait(server.hang_seconds)
                self.close_connection = True
                return 0
            if f.kind == "reset":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "4096")
                self.end_headers()
                self.wfile.write(b'{"id": "chatcmpl-cut", "choi')
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return 0
            if f.kind == "non_json":
                return self._send(200, b"<html><body>502 Bad Gateway</body></html>")
            if f.kind == "bad_schema":
                return self._answer(body, Reply(payload={"answer": "not the requested schema", "claims": "none"}))
            if f.kind == "length":
                return self._answer(body, Reply(content='{"speakers": [{"id": "s1", "na', finish_reason="length"))
            if f.kind == "refusal":
                done = server.completion(body, Reply(content=""))
                done["choices"][0]["message"] = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
                return self._send(200, done)
            done = server.completion(body, Reply(payload={}))
            done["choices"] = []  # empty_choices
            return self._send(200, done)

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local OpenAI-compatible test server (127.0.0.1).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each answer")
    parser.add_argument("--reference", action="store_true", help="serve fixtures/reference answers (default)")
    parser.add_argument("--empty", action="store_true", help="answer every request with an empty result")
    args = parser.parse_args(argv)
    responder: Responder = empty_responder if args.empty else ReferenceResponder()
    server = FakeOpenAI(responder, delay=args.delay, port=args.port).start()
    print(f"serving on {server.base_url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
