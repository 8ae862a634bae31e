"""Run one prompt task against an OpenAI-compatible endpoint: cache, call, validate, count.

Two kinds of retry, kept apart: transport retries (429, 5xx, timeouts, dropped connections,
broken bodies) with tenacity, exponential backoff with jitter, honouring Retry-After, bounded in
count and time; content retries (validation/grounding failures) through instructor's re-ask.
`openai` and `instructor` are imported only on a cache miss, so cached runs stay fast.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import re
import time
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache, lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel

from . import prompts, ratelimit
from .cache import BACKEND, ResponseCache, cache_key, choose_mode, json_schema  # noqa: F401 (re-exported)
from .config import Config
from .errors import ClaimsError, EndpointError
from .grounding import VALIDATION_CONTEXT, context_of  # noqa: F401 (re-exported)
from .schemas import Usage

T = TypeVar("T", bound=BaseModel)
# instructor logs every failed attempt with the endpoint's raw error, which can quote the API key,
# and with no logging configured Python prints such records to stderr: the CLI's one-line,
# scrubbed errors say it all, so instructor's records go nowhere.
_INSTRUCTOR_LOG = logging.getLogger("instructor")
_INSTRUCTOR_LOG.addHandler(logging.NullHandler())
_INSTRUCTOR_LOG.propagate = False
BACKOFF_BASE = 0.5  # seconds; doubled per attempt, with full jitter
BACKOFF_MAX = 30.0
_INDENT = re.compile(r"\n[ \t]+")
_BLANKS = re.compile(r"\n{3,}")
# Instructor's JSON-mode wrapper around the schema, resent with every chunk: said in fewer words.
_PREAMBLE = re.compile(
    r"As a genius expert, your task is to understand the content and provide\s+"
    r"the parsed objects in json that match the following json_schema:\s*"
)
_POSTAMBLE = re.compile(r"\s*Make sure to return an instance of the JSON, not the schema itself\.?\s*$")
_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}

# Instructor renders messages as Jinja templates when handed a context, which would rewrite
# article text ("{{", "{%"); the validation context travels in grounding.VALIDATION_CONTEXT instead.
# KEEP_CLIENTS: set by a run that shares its HTTP clients across articles (claims.corpus).
KEEP_CLIENTS: ContextVar[bool] = ContextVar("claims_keep_clients", default=False)
_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, ...], Any]] = (
    weakref.WeakKeyDictionary()
)


class TransientError(Exception):
    """A response worth retrying as is: empty choices, an unparsable body."""


class _Outcome(Exception):
    """The model refused or was cut off: retrying the same request would not help."""


def _scrub(text: str, config: Config) -> str:
    text = text.replace(config.api_key, "***") if config.api_key else text
    text = re.sub(r"\bsk-[A-Za-z0-9_\-]{8,}", "sk-***", text)  # any other key-shaped token
    text = re.sub(r"\bBearer\s+[A-Za-z0-9._\-]{8,}", "Bearer ***", text)
    return " ".join(text.split())[:200]


def _retry_after(exc: BaseException | None) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        import email.utils  # HTTP dates are rare; keep the import off the start-up path

        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (TransientError, openai.APIConnectionError, openai.APIResponseValidationError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRY_STATUS
    return isinstance(exc, (json.JSONDecodeError, asyncio.TimeoutError))


def _prompt_chars(kwargs: dict[str, Any]) -> int:
    """Characters the model reads: message texts plus any tool or response-format schema."""
    n = 0
    for m in kwargs.get("messages", []):
        content = m.get("content")
        if isinstance(content, str):
            n += len(content)
        elif isinstance(content, list):
            n += sum(len(p.get("text", "")) for p in content if isinstance(p, dict))
    if "tools" in kwargs:
        n += len(json.dumps(kwargs["tools"], separators=(",", ":")))
    if (kwargs.get("response_format") or {}).get("type") == "json_schema":
        n += len(json.dumps(kwargs["response_format"], separators=(",", ":")))
    return n


def lean_schema(schema: dict[str, Any], *, keep_types: bool = False) -> dict[str, Any]:
    """The same fields, types, enums and required lists without what a model does not need:
    $defs inlined, titles, defaults and descriptions dropped, `anyOf [X, null]` as a nullable type.
    A `type` implied by properties, items or an enum is dropped too, unless `keep_types` (an API
    that validates the schema itself, as OpenAI does for tools and json_schema, wants them)."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return walk({**defs[node["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}})
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k in ("title", "$defs", "additionalProperties", "default", "description") or (k == "required" and not v):
                continue
            if not keep_types and k == "type" and ("enum" in node or (v == "object" and "properties" in node) or (v == "array" and "items" in node)):
                continue  # implied by the enum, the properties or the items
            if k == "anyOf" and len(v) == 2 and {"type": "null"} in v:
                inner = walk(next(x for x in v if x != {"type": "null"}))
                if isinstance(inner.get("type"), str):
                    inner["type"] = [inner["type"], "null"]
                out.update(inner)
                continue
            if k == "properties":  # an optional field need not say it may be null: omitting it is null
                required = set(node.get("required", ()))
                out[k] = {p: walk(d) if p in required else _not_null(walk(d)) for p, d in v.items()}
            else:
                out[k] = walk(v)
        return out

    return walk(schema)  # type: ignore[no-any-return]


def _not_null(node: dict[str, Any]) -> dict[str, Any]:
    kind = node.get("type")
    if isinstance(kind, list) and "null" in kind and len(kind) == 2:
        return {**node, "type": next(t for t in kind if t != "null")}
    return node


@cache
def prepared_model(model: type[T]) -> type[T]:
    """Instructor's request-ready wrapper of `model`, built once with its JSON schema: instructor
    otherwise derives a new pydantic class and regenerates its schema on every request, which
    was half the client's CPU per request in a corpus run (bench/corpus.py). Same schema, same
    request body; an instructor without this internal API gets `model` as is."""
    try:
        from instructor.v2.core.response_model import prepare_response_model
    except ImportError:  # pragma: no cover - other instructor layouts
        return model
    prepared: Any = prepare_response_model(model)
    schema = json.dumps(prepared.model_json_schema(), ensure_ascii=False)
    original = prepared.model_json_schema

    def model_json_schema(cls: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return original(*args, **kwargs) if args or kwargs else json.loads(schema)  # a fresh copy

    prepared.model_json_schema = classmethod(model_json_schema)
    return prepared  # type: ignore[no-any-return]


@lru_cache(maxsize=32)
def _schema_texts(exact: str) -> tuple[str, str]:
    """The indented schema text instructor pastes and its lean compact form, made once per schema
    (indented dumps run the pure-Python encoder: milliseconds per request)."""
    schema = json.loads(exact)  # key order kept: it must match the text instructor pastes
    return json.dumps(schema, indent=2, ensure_ascii=False), json.dumps(
        lean_schema(schema), separators=(",", ":"), ensure_ascii=False
    )


@lru_cache(maxsize=32)
def _lean_text(exact: str) -> str:
    return json.dumps(lean_schema(json.loads(exact), keep_types=True), separators=(",", ":"), ensure_ascii=False)


def _lean(schema: Any) -> Any:
    """`lean_schema` of a schema the API reads as a schema (tools, json_schema), every `type`
    kept: OpenAI refuses a function whose parameters do not say `"type": "object"`. A fresh
    copy, made once per schema."""
    return json.loads(_lean_text(json.dumps(schema, ensure_ascii=False))) if isinstance(schema, dict) else schema


def compact_schema_text(kwargs: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Send the response schema in its lean form (same fields, types and enums; about a quarter of
    the characters), wherever instructor put it: pasted, indented, into the system message (JSON
    modes), as the function's parameters (tools mode, OpenAI's default), or as the response
    format's schema (json_schema mode)."""
    if "tools" in kwargs:
        kwargs = {**kwargs, "tools": [
            {**t, "function": {  # the function is forced (tool_choice): its description adds nothing
                **{k: v for k, v in t["function"].items() if k != "description"},
                "parameters": _lean(t["function"].get("parameters")),
            }}
            if isinstance(t, dict) and isinstance(t.get("function"), dict) else t
            for t in kwargs["tools"]
        ]}  # fmt: skip
    fmt = kwargs.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema" and isinstance(fmt.get("json_schema"), dict):
        inner = fmt["json_schema"]
        kwargs = {**kwargs, "response_format": {**fmt, "json_schema": {**inner, "schema": _lean(inner.get("schema"))}}}
    indented, compact = _schema_texts(json.dumps(schema, ensure_ascii=False))
    messages = []
    for m in kwargs.get("messages", []):
        if m.get("role") == "system" and isinstance(m.get("content"), str) and indented in m["content"]:
            text = _INDENT.sub("\n", m["content"].replace(indented, compact))  # instructor's indentation
            text = _PREAMBLE.sub("Answer with a JSON object of this schema:\n", text)
            text = _POSTAMBLE.sub("", text)
            m = {**m, "content": _BLANKS.sub("\n\n", text)}
        messages.append(m)
    return {**kwargs, "messages": messages}


def _client(config: Config) -> Any:
    """One AsyncOpenAI client per event loop and endpoint, reused by every request."""
    import openai

    loop = asyncio.get_running_loop()
    clients = _CLIENTS.setdefault(loop, {})
    key = (config.base_url or "", str(config.timeout), str(hash(config.api_key)))
    if key not in clients:
        clients[key] = openai.AsyncOpenAI(
            base_url=config.base_url, api_key=config.api_key or "not-needed",
            timeout=config.timeout, max_retries=0,  # transport retries are ours, counted
        )  # fmt: skip
    return clients[key]


async def aclose() -> None:
    """Close the clients of the running loop (call at the end of a run); a no-op inside a run
    that shares them across articles (KEEP_CLIENTS set), whose owner closes them at its end."""
    if KEEP_CLIENTS.get():
        return
    for client in _CLIENTS.pop(asyncio.get_running_loop(), {}).values():
        await client.close()


def _wait(config: Config, started: float) -> Callable[[Any], float]:
    def wait(state: Any) -> float:
        exc = state.outcome.exception() if state.outcome else None
        after = _retry_after(exc)
        if after is None:
            after = random.uniform(0, min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (state.attempt_number - 1)))
        remaining = config.max_retry_seconds - (time.monotonic() - started)
        return max(0.0, min(after, remaining))

    return wait


def _sender(config: Config, usage: Usage, schema: dict[str, Any]) -> Callable[..., Any]:
    """The create function instructor calls: one logical request, retried on transport faults."""
    from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, stop_after_delay

    client = _client(config)

    async def send(*args: Any, **kwargs: Any) -> Any:
        kwargs = compact_schema_text(kwargs, schema)
        started = time.monotonic()
        retrying = AsyncRetrying(
            stop=stop_after_attempt(config.max_retries + 1) | stop_after_delay(config.max_retry_seconds),
            wait=_wait(config, started),
            retry=retry_if_exception(_transient),
            reraise=True,
        )
        chars = _prompt_chars(kwargs)
        async for attempt in retrying:
            with attempt:
                async with ratelimit.slot(math.ceil(chars / 4), _retry_after) as held:  # shared budget
                    usage.requests += 1
                    usage.prompt_chars += chars
                    response = await client.chat.completions.create(*args, **kwargs)
                    held.settle(response)
                _check(response, usage)
                return response
        raise AssertionError("unreachable")  # pragma: no cover

    return send


def _check(response: Any, usage: Usage) -> None:
    if isinstance(response, (str, bytes)) or not hasattr(response, "choices"):
        raise TransientError("the endpoint returned a body that is not a chat completion")
    if response.usage is not None:
        usage.prompt_tokens += response.usage.prompt_tokens or 0
        usage.completion_tokens += response.usage.completion_tokens or 0
    if not response.choices:
        raise TransientError("the endpoint returned no choices")
    message = response.choices[0].message
    if getattr(message, "refusal", None):
        raise _Outcome(f"the model refused: {message.refusal}")


def _raw_json(completion: Any) -> str:
    """The JSON text of a completion, from a tool call or from the message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return ""
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return calls[0].function.arguments or ""
    text = (message.content or "").strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    return fenced.group(1) if fenced else text


def _endpoint_error(exc: BaseException, config: Config) -> ClaimsError:
    """One line saying what failed, without the key."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ClaimsError):
            return seen
        if isinstance(seen, _Outcome):
            return EndpointError(_scrub(str(seen), config), "try another model; the article may trip its content filter")
        status = getattr(seen, "status_code", None)
        if status is not None:
            hint = {401: "check CLAIMS_API_KEY", 403: "check the key's permissions", 404: "check --model and --base-url"}
            return EndpointError(
                f"{config.base_url} answered HTTP {status}: {_scrub(getattr(seen, 'message', str(seen)), config)}",
                hint.get(status, "retry later or lower --concurrency"),
            )
        if type(seen).__name__ == "IncompleteOutputException":
            return EndpointError("the model's output was cut off (finish_reason=length)", "lower --chunk-chars")
        if isinstance(seen, TransientError) or type(seen).__name__ in ("APIConnectionError", "APITimeoutError"):
            return EndpointError(
                f"{config.base_url} failed after retries: {_scrub(str(seen) or type(seen).__name__, config)}",
                "check that the server is running, or raise CLAIMS timeout settings",
            )
        seen = seen.__cause__ or seen.__context__
    return EndpointError(f"request to {config.base_url} failed: {_scrub(str(exc), config)}", "retry later")


async def arun_task(
    config: Config,
    task: str,
    variables: dict[str, str],
    response_model: type[T],
    *,
    validation_context: dict[str, Any] | None,
    usage: Usage,
    cache: ResponseCache | None = None,
) -> T:
    """Render `task`'s prompt with `variables`, answer from the cache or the endpoint, validate."""
    prompt = prompts.load(task)
    messages = prompt.render(variables)
    key = cache_key(config, prompt, messages, response_model, validation_context)
    own_cache = cache is None
    cache = cache or ResponseCache(config)
    try:
        hit = cache.answer(key, response_model, validation_context, usage)
        if hit is not None:
            return hit
        result, dropped = await _call(config, messages, response_model, validation_context, usage)
        usage.dropped += dropped
        cache.put(key, {"result": result.model_dump(mode="json"), "dropped": dropped})
        return result
    finally:
        if own_cache:
            cache.close()


async def _call(config: Config, messages: list[dict[str, str]], response_model: type[T],
                validation_context: dict[str, Any] | None, usage: Usage) -> tuple[T, int]:  # fmt: skip
    """One validated answer from the endpoint; after the re-asks, the salvaged sound part."""
    import instructor
    from instructor.core import InstructorRetryException, patch

    mode = getattr(instructor.Mode, choose_mode(config).upper())
    create = patch(create=_sender(config, usage, json_schema(response_model)), mode=mode)
    token = VALIDATION_CONTEXT.set(validation_context)
    try:
        result = await create(
            response_model=prepared_model(response_model), messages=messages, model=config.model,
            temperature=config.temperature, max_retries=config.reasks, strict=False,
        )  # fmt: skip
        return result, 0
    except InstructorRetryException as exc:
        salvage = getattr(response_model, "salvage", None)
        if exc.failed_attempts and exc.last_completion is not None and salvage is not None:
            return salvage(_raw_json(exc.last_completion), validation_context or {})
        raise _endpoint_error(exc, config) from None
    except Exception as exc:
        raise _endpoint_error(exc, config) from None
    finally:
        VALIDATION_CONTEXT.reset(token)


def run_task(config: Config, task: str, variables: dict[str, str], response_model: type[T], *,
             validation_context: dict[str, Any] | None, usage: Usage) -> T:  # fmt: skip
    """Synchronous `arun_task` (for scripts and the future `compare` command)."""

    async def main() -> T:
        try:
            return await arun_task(config, task, variables, response_model,
                                   validation_context=validation_context, usage=usage)  # fmt: skip
        finally:
            await aclose()

    return asyncio.run(main())
