"""Response cache: diskcache under the user cache directory, keyed by canonical JSON.

The key hashes everything that changes an answer (backend, endpoint, model, mode, sampling, prompt
name + version + content hash, response schema, rendered messages) and never the API key. Values
are plain JSON-able dicts; an entry that cannot be read or no longer validates is a miss.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from .config import Config, cache_dir

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .prompts import Prompt
    from .schemas import Usage

    T = TypeVar("T", bound=BaseModel)

NAMESPACE = "claims-llm-v1"  # bump to orphan every entry after an incompatible change here
BACKEND = "openai-compatible"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def make_key(parts: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of `parts` (which must not hold secrets)."""
    return hashlib.sha256(canonical_json({"ns": NAMESPACE, **parts}).encode("utf-8")).hexdigest()


def choose_mode(config: Config) -> str:
    """Tool calls on api.openai.com, plain JSON elsewhere (widest support); Config.mode wins."""
    if config.mode:
        return config.mode
    host = urlparse(config.base_url or "").hostname or ""
    return "tools" if host == "api.openai.com" else "json"


@cache
def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model.model_json_schema()`, computed once per model (it is needed for every request and
    every cache key); callers must not mutate it."""
    return model.model_json_schema()


def cache_key(config: Config, prompt: Prompt, messages: list[dict[str, str]],
              response_model: type[BaseModel], validation_context: dict[str, Any] | None) -> str:  # fmt: skip
    """The key of one task's answer: everything that changes the answer; never the API key."""
    return make_key(
        {
            "backend": BACKEND, "base_url": config.base_url, "model": config.model,
            "mode": choose_mode(config), "temperature": config.temperature,
            "prompt": {"name": prompt.name, "version": prompt.version, "sha256": prompt.sha256},
            "schema": json_schema(response_model), "messages": messages,
            "validation_context": validation_context,
        }
    )  # fmt: skip


def fingerprint(root: Path) -> str:
    """sha256 of the Python sources under `root` (relative name, size and modification time of
    each: Python's own rule for when a bytecode cache is stale) and of pydantic's version."""
    import os

    import pydantic

    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                st = os.stat(path)
                found.append(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}")
    return hashlib.sha256("\n".join([pydantic.VERSION, *sorted(found)]).encode("utf-8")).hexdigest()


@cache
def code_fingerprint() -> str:
    """The fingerprint of this package: what a stored whole analysis (claims.pipeline.
    stored_analysis) was computed with; any change to the code or to pydantic orphans it."""
    return fingerprint(Path(__file__).resolve().parent)


def _open(config: Config):  # type: ignore[no-untyped-def]
    import diskcache

    path = cache_dir(config)
    path.mkdir(parents=True, exist_ok=True)
    return diskcache.Cache(str(path), timeout=60, eviction_policy="none", size_limit=2**40)


class ResponseCache:
    """Get/put JSON values by key; a disabled cache (Config.cache False) is always a miss."""

    def __init__(self, config: Config) -> None:
        self.enabled = config.cache
        self._config = config
        self._cache = None

    def _db(self):  # type: ignore[no-untyped-def]
        if self._cache is None:
            self._cache = _open(self._config)
        return self._cache

    def get(self, key: str) -> Any | None:
        if not self.enabled:
            return None
        try:
            raw = self._db().get(key)
            return None if raw is None else json.loads(raw)
        except Exception:  # unreadable or corrupt entry: a miss, never a crash
            return None

    def answer(self, key: str, response_model: type[T], validation_context: dict[str, Any] | None,
               usage: Usage) -> T | None:  # fmt: skip
        """The cached answer under `key`, validated again against its source text and counted in
        `usage`; None on a miss (absent, unreadable, or no longer valid under the current schema)."""
        from pydantic import ValidationError

        hit = self.get(key)
        if hit is None:
            return None
        try:
            result = response_model.model_validate(hit["result"], context=validation_context)
        except (ValidationError, KeyError, TypeError):
            return None  # stale or corrupt entry: a miss
        usage.cache_hits += 1
        usage.dropped += int(hit.get("dropped", 0))
        return result

    def put(self, key: str, value: Any) -> None:
        if self.enabled:
            self._db().set(key, canonical_json(value))

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def cache_info(config: Config) -> dict[str, Any]:
    """Where the cache lives, how many entries it holds and its size in bytes."""
    path: Path = cache_dir(config)
    if not path.exists():
        return {"dir": str(path), "entries": 0, "size": 0}
    cache = _open(config)
    try:
        return {"dir": str(path), "entries": len(cache), "size": int(cache.volume())}
    finally:
        cache.close()


def cache_clear(config: Config) -> int:
    """Delete every entry; return how many there were."""
    if not cache_dir(config).exists():
        return 0
    cache = _open(config)
    try:
        return int(cache.clear())
    finally:
        cache.close()
