"""Response cache: diskcache under the user cache directory, keyed by canonical JSON.

The key hashes everything that changes an answer (backend, endpoint, model, mode, sampling, prompt
name + version + content hash, response schema, rendered messages) and never the API key. Values
are plain JSON-able dicts; an entry that cannot be read or no longer validates is a miss.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .config import Config, cache_dir

NAMESPACE = "claims-llm-v1"  # bump to orphan every entry after an incompatible change here


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def make_key(parts: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of `parts` (which must not hold secrets)."""
    return hashlib.sha256(canonical_json({"ns": NAMESPACE, **parts}).encode("utf-8")).hexdigest()


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
