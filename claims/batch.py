"""OpenAI Batch API: send every uncached chunk as one batch, then fill the cache from its results.

`submit` builds, for every chunk whose answer is not cached, the exact request body the live path
would send (same prompt, instructor mode, schema text and sampling; captured from instructor rather
than rebuilt), with the live path's cache key as `custom_id`; uploads the JSONL (purpose=batch) and
creates the batch. A manifest in the cache directory keeps each request's grounding context.
`collect` downloads the output, validates every answer through the same Pydantic schema and
grounding checks, and stores the valid ones under their key, so that `summarize`, `worksheet` and
the extraction step of `compare` then send nothing; failures are listed and left to a normal run
(which re-asks). Batches are at most 50,000 requests and 190 MB (under the API's 200 MB file
limit): larger runs are split. Requests are written to temporary files as they are built, so
memory does not grow with the archive.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from . import llm, prompts
from .cache import ResponseCache
from .config import Config, cache_dir
from .document import detect_language, read_source
from .errors import ClaimsError, ConfigError, EndpointError, UsageError
from .extract import TASK, chunks_for, variables
from .extract_schema import ChunkExtraction
from .grounding import VALIDATION_CONTEXT
from .schemas import Usage

ENDPOINT = "/v1/chat/completions"
MAX_REQUESTS = 50_000
MAX_BYTES = 190 * 1024 * 1024  # the API takes input files up to 200 MB


@dataclass
class Request:
    """One chunk to answer: the live path's cache key, request body and grounding context."""

    key: str
    body: dict[str, Any]
    context: dict[str, str]
    source: str
    chunk: int


@dataclass
class Part:
    """One batch input file on disk (JSONL request lines) and its manifest entries."""

    lines: IO[bytes] = field(default_factory=tempfile.TemporaryFile)
    entries: IO[bytes] = field(default_factory=tempfile.TemporaryFile)  # '"key":{...}' joined by commas
    requests: int = 0
    size: int = 0

    def add(self, r: Request, line: bytes) -> None:
        """Append `r`, whose request line (`jsonl([r])`) is `line`."""
        entry = json.dumps(r.key) + ":" + json.dumps({"context": r.context, "source": r.source, "chunk": r.chunk},
                                                     ensure_ascii=False)  # fmt: skip
        self.lines.write(line)
        self.entries.write((("," if self.requests else "") + entry).encode("utf-8"))
        self.requests += 1
        self.size += len(line)

    def close(self) -> None:
        self.lines.close()
        self.entries.close()


@dataclass
class Collected:
    """What `collect` did: answers stored in the cache, and the requests left for a live run."""

    batch_id: str
    stored: int = 0
    already_cached: int = 0
    failures: list[str] = field(default_factory=list)


class _Captured(BaseException):
    """Carries the request body out of instructor without sending it (not an Exception, so no
    retry logic catches it)."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__("captured")
        self.body = body


async def request_body(config: Config, messages: list[dict[str, str]]) -> dict[str, Any]:
    """The chat.completions body the live path sends for `messages` (llm._call + llm._sender)."""
    import instructor
    from instructor.core import patch

    schema = llm.json_schema(ChunkExtraction)

    async def capture(*args: Any, **kwargs: Any) -> Any:
        raise _Captured(llm.compact_schema_text(kwargs, schema))

    create = patch(create=capture, mode=getattr(instructor.Mode, llm.choose_mode(config).upper()))
    try:
        await create(
            response_model=llm.prepared_model(ChunkExtraction), messages=messages, model=config.model,
            temperature=config.temperature, max_retries=config.reasks, strict=False,
        )  # fmt: skip
    except _Captured as got:
        return json.loads(json.dumps(got.body, default=str))
    raise AssertionError("instructor returned without calling create")  # pragma: no cover


def _expand(paths: list[str]) -> list[str]:
    from .cli import _expand as expand  # the same directory expansion as summarize

    return list(expand(paths))


async def _requests(paths: list[str], config: Config, cached: list[int]) -> AsyncIterator[Request]:
    """Every chunk of `paths` whose answer is not cached yet, one at a time; `cached[0]` counts
    the ones that are."""
    prompt = prompts.load(TASK)
    cache = ResponseCache(config)
    try:
        for path in _expand(paths):
            src = read_source(path)
            language = config.language or detect_language(src.text)
            for ch in chunks_for(src.text, config):
                messages = prompt.render(variables(ch, config.output_language or language))
                context = {"article": ch.text, "context": ch.context}
                key = llm.cache_key(config, prompt, messages, ChunkExtraction, context)
                if _cached(cache, key, context):
                    cached[0] += 1
                    continue
                yield Request(key, await request_body(config, messages), context, src.source, ch.index)
    finally:
        cache.close()


async def build_parts(paths: list[str], config: Config, max_requests: int = MAX_REQUESTS,
                      max_bytes: int = MAX_BYTES) -> tuple[list[Part], int]:  # fmt: skip
    """The batch input files for every uncached chunk, written as the requests are built (every
    input is read before anything is uploaded, so a bad one stops the run with nothing sent),
    and how many chunks are cached already."""
    parts: list[Part] = []
    cached = [0]
    try:
        async for r in _requests(paths, config, cached):
            line = jsonl([r])
            if not parts or parts[-1].requests >= max_requests or (parts[-1].requests and parts[-1].size + len(line) > max_bytes):
                parts.append(Part())
            parts[-1].add(r, line)
    except BaseException:
        for part in parts:
            part.close()
        raise
    return parts, cached[0]


def _cached(cache: ResponseCache, key: str, context: dict[str, str]) -> bool:
    """Is a valid answer already cached under `key` (the live path's own check)?"""
    return cache.answer(key, ChunkExtraction, context, Usage()) is not None


def jsonl(requests: list[Request]) -> bytes:
    """The batch input file: one request per line, custom_id = the live path's cache key."""
    lines = [
        json.dumps({"custom_id": r.key, "method": "POST", "url": ENDPOINT, "body": r.body}, ensure_ascii=False)
        for r in requests
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _client(config: Config) -> Any:
    import openai

    if config.offline:
        raise ConfigError("batches need an LLM endpoint", "set --base-url/CLAIMS_BASE_URL or OPENAI_API_KEY and --model")
    return openai.OpenAI(base_url=config.base_url, api_key=config.api_key or "not-needed",
                         timeout=config.timeout, max_retries=3)  # fmt: skip


def _manifest_path(config: Config, batch_id: str) -> Path:
    return cache_dir(config) / "batches" / f"{batch_id}.json"


def _api_error(exc: Exception, config: Config, doing: str) -> ClaimsError:
    status = getattr(exc, "status_code", None)
    what = f"HTTP {status}" if status else type(exc).__name__
    return EndpointError(f"{doing} at {config.base_url} failed: {what}", "check the endpoint, key and batch id")


def submit(paths: list[str], config: Config) -> list[dict[str, Any]]:
    """Create one batch per 50,000 uncached chunks or 190 MB of requests; return
    [{id, requests, cached}] (empty when every chunk is already cached)."""
    parts, cached = asyncio.run(build_parts(paths, config))
    if not parts:
        return []
    made = []
    try:
        client = _client(config)
        try:
            for part in parts:
                part.lines.seek(0)
                upload = client.files.create(file=("claims-batch.jsonl", part.lines), purpose="batch")
                batch = client.batches.create(
                    input_file_id=upload.id, endpoint=ENDPOINT, completion_window="24h",
                    metadata={"tool": "claims", "model": config.model},
                )  # fmt: skip
                _write_manifest(config, batch.id, part)
                made.append({"id": batch.id, "requests": part.requests, "cached": cached})
        except ClaimsError:
            raise
        except Exception as exc:
            raise _api_error(exc, config, "creating the batch") from exc
        finally:
            client.close()
    finally:
        for part in parts:
            part.close()
    return made


def _write_manifest(config: Config, batch_id: str, part: Part) -> None:
    """The batch's manifest: its endpoint and, per request key, the grounding context, source and
    chunk, copied from the part's entries on disk."""
    path = _manifest_path(config, batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = json.dumps({"batch_id": batch_id, "base_url": config.base_url, "model": config.model}, ensure_ascii=False)
    with path.open("wb") as out:
        out.write((head[:-1] + ', "requests": {').encode("utf-8"))
        part.entries.seek(0)
        shutil.copyfileobj(part.entries, out)
        out.write(b"}}")


def _endpoint(config: Config, manifest: dict[str, Any] | None, base_url: str | None) -> Config:
    """The endpoint to ask about a batch: --base-url, else the one it was submitted to, else the
    environment's (the model only matters for submitting)."""
    from .config import resolve

    known = manifest or {}
    return resolve(model=known.get("model") or "batch", base_url=base_url or known.get("base_url"),
                   cache_dir=config.cache_dir)  # fmt: skip


def _manifest(config: Config, batch_id: str) -> dict[str, Any] | None:
    path = _manifest_path(config, batch_id)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def status(batch_id: str, config: Config, base_url: str | None = None) -> dict[str, Any]:
    """The batch's status and request counts, as the endpoint reports them."""
    config = _endpoint(config, _manifest(config, batch_id), base_url)
    client = _client(config)
    try:
        batch = client.batches.retrieve(batch_id)
    except Exception as exc:
        raise _api_error(exc, config, f"reading batch {batch_id}") from exc
    finally:
        client.close()
    counts = batch.request_counts
    return {
        "id": batch.id, "status": batch.status,
        "completed": counts.completed if counts else None, "failed": counts.failed if counts else None,
        "total": counts.total if counts else None, "output_file_id": batch.output_file_id,
        "error_file_id": batch.error_file_id,
    }  # fmt: skip


def _lines(client: Any, file_id: str | None) -> Iterator[dict[str, Any]]:
    if not file_id:
        return
    for line in client.files.content(file_id).text.splitlines():
        if line.strip():
            try:
                yield json.loads(line)
            except ValueError:
                continue


def validate(body: dict[str, Any], context: dict[str, str]) -> ChunkExtraction:
    """A batch answer through the live path's schema and grounding checks (ValueError if not)."""
    from openai.types.chat import ChatCompletion

    completion = ChatCompletion.model_validate(body)
    if not completion.choices:
        raise ValueError("no choices")
    choice = completion.choices[0]
    if choice.finish_reason == "length":
        raise ValueError("the answer was cut off (finish_reason=length)")
    if getattr(choice.message, "refusal", None):
        raise ValueError("the model refused")
    token = VALIDATION_CONTEXT.set(context)
    try:
        return ChunkExtraction.model_validate_json(llm._raw_json(completion), context=context)
    except ValidationError as exc:
        raise ValueError(f"{exc.error_count()} validation error(s): {exc.errors()[0]['msg']}") from None
    finally:
        VALIDATION_CONTEXT.reset(token)


def collect(batch_id: str, config: Config, base_url: str | None = None) -> Collected:
    """Download a finished batch, validate each answer and store the valid ones in the cache."""
    path = _manifest_path(config, batch_id)
    if not path.exists():
        raise UsageError(f"no manifest for batch {batch_id} in {path.parent}",
                         "collect with the same --cache-dir the batch was submitted with")  # fmt: skip
    manifest = json.loads(path.read_text(encoding="utf-8"))
    requests: dict[str, dict[str, Any]] = manifest["requests"]
    config = _endpoint(config, manifest, base_url)
    client = _client(config)
    result = Collected(batch_id)
    cache = ResponseCache(config.with_(cache=True))
    try:
        batch = client.batches.retrieve(batch_id)
        if batch.status not in ("completed", "expired", "cancelled", "failed"):
            raise UsageError(f"batch {batch_id} is {batch.status}", "wait, then check with 'claims batch status'")
        answered: set[str] = set()
        for line in [*_lines(client, batch.output_file_id), *_lines(client, batch.error_file_id)]:
            key = str(line.get("custom_id"))
            entry = requests.get(key)
            if entry is None:
                continue
            answered.add(key)
            where = f"{entry['source']} chunk {entry['chunk'] + 1}"
            response = line.get("response") or {}
            if line.get("error") or response.get("status_code") != 200:
                error = line.get("error") or {}
                result.failures.append(f"{where}: {error.get('message') or 'HTTP ' + str(response.get('status_code'))}")
                continue
            try:
                answer = validate(response.get("body") or {}, entry["context"])
            except ValueError as exc:
                result.failures.append(f"{where}: {exc}")
                continue
            if _cached(cache, key, entry["context"]):
                result.already_cached += 1
                continue
            cache.put(key, {"result": answer.model_dump(mode="json"), "dropped": 0})
            result.stored += 1
        for key in requests.keys() - answered:
            entry = requests[key]
            result.failures.append(f"{entry['source']} chunk {entry['chunk'] + 1}: no answer in the batch ({batch.status})")
    except ClaimsError:
        raise
    except Exception as exc:
        raise _api_error(exc, config, f"collecting batch {batch_id}") from exc
    finally:
        cache.close()
        client.close()
    return result
