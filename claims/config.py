"""Which backend, endpoint and model to use: from options first, then the environment.

Environment variables: CLAIMS_MODEL, CLAIMS_BASE_URL (or OPENAI_BASE_URL), CLAIMS_API_KEY (or
OPENAI_API_KEY), CLAIMS_MODE, CLAIMS_CACHE_DIR, CLAIMS_CONCURRENCY, CLAIMS_CHUNK_CHARS,
CLAIMS_RPM and CLAIMS_TPM (requests and tokens per minute, shared by every request of a run).
With no endpoint, no key and no model, the offline analyser is used.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError, UsageError

OFFLINE = "offline"
OPENAI_URL = "https://api.openai.com/v1"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
INSTRUCTOR_MODES = ("tools", "json_schema", "json", "md_json")


@dataclass(frozen=True)
class Config:
    """Everything that selects and tunes a backend. `api_key` is never written anywhere."""

    model: str = OFFLINE
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: str | None = None  # instructor mode; None: chosen from the endpoint
    language: str | None = None  # None: detected
    output_language: str | None = None  # None: the article's language
    chunk_chars: int = 8000
    context_chars: int = 400  # in all, resent with every chunk (claims.extract.chunks_for)
    concurrency: int = 4
    rpm: int | None = None  # requests per minute across the whole run; None: unlimited
    tpm: int | None = None  # tokens per minute across the whole run; None: unlimited
    timeout: float = 60.0
    max_retries: int = 5  # transport retries per request
    max_retry_seconds: float = 120.0  # total time budget for transport retries of one request
    reasks: int = 2  # instructor re-asks after the first attempt
    temperature: float = 0.0
    cache: bool = True
    cache_dir: str | None = None

    @property
    def offline(self) -> bool:
        return self.model == OFFLINE

    def with_(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a whole number", f"set {name} to an integer") from exc


def _language(name: str, raw: object) -> str | None:
    """'FR', 'fr-FR' or 'fr_FR' -> 'fr'; anything that is not an ISO 639 code is a usage error."""
    if raw is None:
        return None
    code = str(raw).strip().lower().replace("_", "-").split("-")[0]
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise UsageError(f"{name} {raw!r} is not a language code", "use an ISO 639-1 code such as fr or en")
    return code


def resolve(
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    **options: object,
) -> Config:
    """Build a Config from explicit options, falling back to the environment."""
    env = os.environ
    model = model or env.get("CLAIMS_MODEL") or None
    base_url = base_url or env.get("CLAIMS_BASE_URL") or env.get("OPENAI_BASE_URL") or None
    api_key = api_key or env.get("CLAIMS_API_KEY") or env.get("OPENAI_API_KEY") or None
    if options.get("mode") is None:  # an explicit None (an unset CLI option) falls back too
        options["mode"] = env.get("CLAIMS_MODE") or None
    if options.get("cache_dir") is None:
        options["cache_dir"] = env.get("CLAIMS_CACHE_DIR") or None
    if options.get("concurrency") is None:
        options["concurrency"] = _env_int("CLAIMS_CONCURRENCY", 4)
    if options.get("chunk_chars") is None:
        options["chunk_chars"] = _env_int("CLAIMS_CHUNK_CHARS", 8000)
    for name in ("rpm", "tpm"):
        if options.get(name) is None:
            options[name] = _env_int(f"CLAIMS_{name.upper()}", 0) or None
        if options[name] is not None and int(options[name]) < 1:  # type: ignore[call-overload]
            raise UsageError(f"--{name} must be at least 1", f"omit --{name} for no limit")
    options["language"] = _language("--lang", options.get("language"))
    options["output_language"] = _language("--output-lang", options.get("output_language"))
    options = {k: v for k, v in options.items() if v is not None}
    mode = options.get("mode")
    if mode is not None and mode not in INSTRUCTOR_MODES:
        raise UsageError(f"unknown mode {mode!r}", f"use one of: {', '.join(INSTRUCTOR_MODES)}")
    if int(options.get("chunk_chars", 8000)) < 200:  # type: ignore[call-overload]
        raise UsageError("--chunk-chars must be at least 200", "use a larger chunk budget")
    if int(options.get("concurrency", 4)) < 1:  # type: ignore[call-overload]
        raise UsageError("--concurrency must be at least 1", "use 1 for sequential requests")
    if model == OFFLINE or (model is None and base_url is None and api_key is None):
        return Config(model=OFFLINE, **options)  # type: ignore[arg-type]
    if base_url is None:
        if api_key is None:
            raise ConfigError(
                f"model {model!r} needs an endpoint",
                "set CLAIMS_BASE_URL (e.g. http://localhost:11434/v1 for Ollama) or OPENAI_API_KEY, "
                "or use --model offline",
            )
        base_url = OPENAI_URL
    if model is None:
        if base_url.rstrip("/") == OPENAI_URL:
            model = DEFAULT_OPENAI_MODEL
        else:
            raise ConfigError("no model given for the endpoint", "pass --model NAME or set CLAIMS_MODEL")
    return Config(model=model, base_url=base_url.rstrip("/"), api_key=api_key or "not-needed", **options)  # type: ignore[arg-type]


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claims"))


def cache_dir(config: Config) -> Path:
    return Path(config.cache_dir) if config.cache_dir else default_cache_dir()
