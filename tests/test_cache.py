"""Cache keys: canonical, secret-free, and different whenever the answer could differ."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from claims import llm, prompts
from claims.cache import ResponseCache, cache_clear, cache_info, canonical_json, make_key
from claims.config import Config
from claims.errors import EndpointError
from claims.extract_schema import ChunkExtraction
from claims.schemas import Usage

CONFIG = Config(model="m1", base_url="http://127.0.0.1:1/v1", api_key="sk-secret-key-123456")
GROUND = {"article": "Text.", "context": ""}


def _key(config: Config = CONFIG, prompt: prompts.Prompt | None = None, model: type[BaseModel] = ChunkExtraction) -> str:
    prompt = prompt or prompts.load("extract")
    messages = prompt.render({"article": "Text.", "context": "", "output_language": "English"})
    return llm.cache_key(config, prompt, messages, model, GROUND)


def test_canonical_json_ignores_key_order() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == '{"a":[1,{"c":3,"d":2}],"b":1}'
    assert make_key({"x": 1, "y": 2}) == make_key({"y": 2, "x": 1})


def test_key_changes_with_model_endpoint_mode_and_sampling() -> None:
    base = _key()
    assert _key(CONFIG.with_(model="m2")) != base
    assert _key(CONFIG.with_(base_url="http://127.0.0.1:2/v1")) != base
    assert _key(CONFIG.with_(mode="tools")) != base
    assert _key(CONFIG.with_(temperature=0.5)) != base


def test_key_changes_with_prompt_content_or_version() -> None:
    text = (prompts.PROMPTS_DIR / "extract.v1.md").read_text(encoding="utf-8")
    edited = prompts.parse(text.replace("fact-checkers", "fact checkers"))
    bumped = prompts.parse(text.replace("version: 1", "version: 2"))
    assert len({_key(), _key(prompt=edited), _key(prompt=bumped)}) == 3


def test_key_changes_with_response_schema() -> None:
    class Wider(ChunkExtraction):
        note: str = ""

    assert _key(model=Wider) != _key()


def test_key_never_depends_on_or_contains_the_api_key() -> None:
    assert _key(CONFIG.with_(api_key="sk-other-key-654321")) == _key()


def test_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    config = CONFIG.with_(cache_dir=str(tmp_path))
    cache = ResponseCache(config)
    cache._db().set("k", "{not json")
    assert cache.get("k") is None
    cache.put("k2", {"a": 1})
    assert cache.get("k2") == {"a": 1}
    cache.close()


def test_stale_entry_that_fails_validation_is_a_miss(tmp_path: Path) -> None:
    """A cached answer whose quote is not in the chunk must not be served."""
    config = CONFIG.with_(cache_dir=str(tmp_path), base_url="http://127.0.0.1:9/v1", max_retries=0)
    prompt = prompts.load("extract")
    variables = {"article": "Text.", "context": "", "output_language": "English"}
    key = llm.cache_key(config, prompt, prompt.render(variables), ChunkExtraction, GROUND)
    cache = ResponseCache(config)
    bad = {"quotes": [{"id": "q1", "text": "Invented.", "type": "direct"}]}
    cache.put(key, {"result": bad, "dropped": 0})
    cache.close()
    usage = Usage()
    with pytest.raises(EndpointError, match="127.0.0.1:9"):  # the miss went to the (closed) endpoint
        llm.run_task(config, "extract", variables, ChunkExtraction, validation_context=GROUND, usage=usage)
    assert usage.cache_hits == 0 and usage.requests == 1


def test_cache_info_and_clear(tmp_path: Path) -> None:
    config = CONFIG.with_(cache_dir=str(tmp_path / "c"))
    assert cache_info(config)["entries"] == 0
    cache = ResponseCache(config)
    cache.put("a", {"x": 1})
    cache.put("b", {"x": 2})
    cache.close()
    info = cache_info(config)
    assert info["entries"] == 2 and info["size"] > 0 and info["dir"] == str(tmp_path / "c")
    assert cache_clear(config) == 2
    assert cache_info(config)["entries"] == 0


def test_disabled_cache_never_hits(tmp_path: Path) -> None:
    cache = ResponseCache(CONFIG.with_(cache_dir=str(tmp_path), cache=False))
    cache.put("a", {"x": 1})
    assert cache.get("a") is None
