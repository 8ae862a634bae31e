"""Backend and endpoint resolution (claims.config.resolve): options first, then the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import isolate_env

from claims.config import DEFAULT_OPENAI_MODEL, OFFLINE, OPENAI_URL, Config, cache_dir, resolve
from claims.errors import EXIT_ERROR, EXIT_USAGE, ConfigError, UsageError

KEY = "sk-config-test-SECRET-9f8e7d6c"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_env(monkeypatch, tmp_path)


def test_offline_by_default() -> None:
    config = resolve()
    assert config.offline and config.model == OFFLINE
    assert config.base_url is None and config.api_key is None


def test_explicit_offline_wins_over_an_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMS_BASE_URL", "http://127.0.0.1:8000/v1")
    assert resolve(model="offline").offline


def test_base_url_without_model_is_a_clear_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        resolve(base_url="http://127.0.0.1:11434/v1")
    err = info.value
    assert err.exit_code == EXIT_ERROR
    line = err.one_line()
    assert line.startswith("Error: ") and "\n" not in line
    assert "--model" in line and "CLAIMS_MODEL" in line


def test_model_without_endpoint_or_key_is_a_clear_config_error() -> None:
    with pytest.raises(ConfigError, match="needs an endpoint") as info:
        resolve(model="llama3.1")
    assert "CLAIMS_BASE_URL" in info.value.hint and "--model offline" in info.value.hint


def test_key_alone_means_openai_with_its_default_model() -> None:
    config = resolve(api_key=KEY)
    assert not config.offline
    assert config.base_url == OPENAI_URL and config.model == DEFAULT_OPENAI_MODEL


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAIMS_BASE_URL", "http://127.0.0.1:8080/v1/")
    monkeypatch.setenv("CLAIMS_MODEL", "qwen2.5:7b")
    monkeypatch.setenv("CLAIMS_MODE", "json")
    monkeypatch.setenv("CLAIMS_CONCURRENCY", "2")
    monkeypatch.setenv("CLAIMS_CHUNK_CHARS", "3000")
    monkeypatch.setenv("CLAIMS_CACHE_DIR", str(tmp_path / "c"))
    config = resolve()
    assert config.base_url == "http://127.0.0.1:8080/v1"  # trailing slash dropped
    assert (config.model, config.mode, config.concurrency, config.chunk_chars) == ("qwen2.5:7b", "json", 2, 3000)
    assert config.api_key == "not-needed"  # local servers need no key; the client still wants one
    assert cache_dir(config) == tmp_path / "c"


def test_openai_variables_are_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9000/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("CLAIMS_MODEL", "m")
    config = resolve()
    assert config.base_url == "http://127.0.0.1:9000/v1" and config.api_key == KEY
    monkeypatch.setenv("CLAIMS_BASE_URL", "http://127.0.0.1:9001/v1")
    assert resolve().base_url == "http://127.0.0.1:9001/v1"  # CLAIMS_ wins over OPENAI_


def test_options_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMS_MODEL", "from-env")
    monkeypatch.setenv("CLAIMS_CHUNK_CHARS", "3000")
    config = resolve(model="from-flag", base_url="http://127.0.0.1:1/v1", chunk_chars=5000)
    assert config.model == "from-flag" and config.chunk_chars == 5000


def test_bad_environment_numbers_are_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMS_CONCURRENCY", "many")
    with pytest.raises(ConfigError, match="CLAIMS_CONCURRENCY"):
        resolve()


@pytest.mark.parametrize(
    ("options", "needle"),
    [({"mode": "xml"}, "unknown mode"), ({"chunk_chars": 50}, "--chunk-chars"),
     ({"concurrency": 0}, "--concurrency"), ({"language": "français"}, "--lang"),
     ({"output_language": "1"}, "--output-lang")],
)
def test_invalid_options_are_usage_errors(options: dict[str, object], needle: str) -> None:
    with pytest.raises(UsageError, match=needle) as info:
        resolve(**options)
    assert info.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize(("given", "code"), [("fr", "fr"), ("FR", "fr"), ("fr-FR", "fr"), ("en_GB", "en"), (" de ", "de")])
def test_language_codes_are_normalised(given: str, code: str) -> None:
    config = resolve(language=given, output_language=given)
    assert config.language == code and config.output_language == code


def test_api_key_never_in_repr_or_str() -> None:
    config = resolve(base_url="http://127.0.0.1:8000/v1", model="m", api_key=KEY)
    assert config.api_key == KEY
    for shown in (repr(config), str(config), repr(config.with_(model="other")), f"{config!r}"):
        assert KEY not in shown and "SECRET" not in shown
    assert "m" in repr(config)  # the repr is still useful


def test_config_is_immutable_and_with_returns_a_copy() -> None:
    config = Config()
    other = config.with_(chunk_chars=1000)
    assert config.chunk_chars == 8000 and other.chunk_chars == 1000
    with pytest.raises(AttributeError):
        config.model = "x"  # type: ignore[misc]
