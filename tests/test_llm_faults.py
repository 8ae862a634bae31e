"""Transport faults injected by the local server: retried to success, or one clear error."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from claims import llm
from claims.config import Config, resolve
from claims.errors import EndpointError
from claims.extract_schema import ChunkExtraction
from claims.schemas import Usage
from tests.conftest import DUMMY_KEY
from tests.fake_openai import FakeOpenAI, scripted

ARTICLE = 'The mayor said the bridge "will reopen in May". Critics say it may take longer.'
GOOD = {
    "speakers": [{"id": "s1", "name": "the mayor", "kind": "person", "role": "mayor", "mentions": ["The mayor"]}],
    "quotes": [{"id": "q1", "text": '"will reopen in May"', "type": "direct", "speaker": "s1", "cue": "said"}],
    "claims": [],
}


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm, "BACKOFF_BASE", 0.01)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(scripted([], then=lambda body: GOOD), hang_seconds=3.0) as s:
        yield s


def _config(server: FakeOpenAI, **options: object) -> Config:
    return resolve(model="m", base_url=server.base_url, cache=False, **options)


def _run(config: Config, usage: Usage | None = None) -> ChunkExtraction:
    ground = {"article": ARTICLE, "context": ""}
    variables = {"article": ARTICLE, "context": "", "output_language": "English"}
    return llm.run_task(config, "extract", variables, ChunkExtraction, validation_context=ground, usage=usage or Usage())


@pytest.mark.parametrize("kind", ["429", "500", "502", "503", "reset", "non_json", "empty_choices"])
def test_transient_fault_is_retried_to_success(server: FakeOpenAI, kind: str) -> None:
    server.inject(kind)
    usage = Usage()
    result = _run(_config(server), usage)
    assert [q.text for q in result.quotes] == ['"will reopen in May"']
    assert server.stats.faults_served == [kind]
    assert server.stats.requests == 2 == usage.requests


def test_hang_past_timeout_is_retried(server: FakeOpenAI) -> None:
    server.inject("hang")
    result = _run(_config(server, timeout=0.5))
    assert result.quotes and server.stats.requests == 2


def test_retry_after_is_honoured(server: FakeOpenAI) -> None:
    server.inject("429", retry_after=1)
    started = time.monotonic()
    _run(_config(server))
    assert time.monotonic() - started >= 0.9  # waited as told, not the 10 ms backoff
    assert server.stats.requests == 2


def test_schema_violation_is_reasked(server: FakeOpenAI) -> None:
    server.inject("bad_schema")
    result = _run(_config(server))
    assert result.quotes and server.stats.requests == 2
    reask = server.stats.bodies[1]["messages"]
    assert reask[-1]["role"] == "user" and "error" in reask[-1]["content"].lower()


def test_retries_are_bounded_in_count(server: FakeOpenAI) -> None:
    server.inject("503", times=10)
    with pytest.raises(EndpointError) as err:
        _run(_config(server, max_retries=2))
    assert server.stats.requests == 3
    line = err.value.one_line()
    assert "HTTP 503" in line and "\n" not in line and DUMMY_KEY not in line


def test_retries_are_bounded_in_time(server: FakeOpenAI) -> None:
    server.inject("429", times=10, retry_after=30)
    started = time.monotonic()
    with pytest.raises(EndpointError):
        _run(_config(server, max_retry_seconds=1.0))
    assert server.stats.requests == 2
    assert time.monotonic() - started < 20  # the 30 s Retry-After was cut to the 1 s budget


@pytest.mark.parametrize(("kind", "words"), [("refusal", "refused"), ("length", "cut off")])
def test_unretryable_outcome_is_one_clear_error(server: FakeOpenAI, kind: str, words: str) -> None:
    server.inject(kind)
    with pytest.raises(EndpointError) as err:
        _run(_config(server))
    assert words in err.value.one_line()
    assert server.stats.requests == 1


def test_unreachable_endpoint_is_one_line(server: FakeOpenAI) -> None:
    config = resolve(model="m", base_url="http://127.0.0.1:9/v1", cache=False, max_retries=1)
    with pytest.raises(EndpointError) as err:
        _run(config)
    assert "127.0.0.1:9" in err.value.one_line()


def test_retry_after_header_forms() -> None:
    class Resp:
        def __init__(self, value: str) -> None:
            self.headers = {"retry-after": value}

    class Exc(Exception):
        def __init__(self, value: str) -> None:
            self.response = Resp(value)

    assert llm._retry_after(Exc("2")) == 2.0
    assert llm._retry_after(Exc("Wed, 21 Oct 2015 07:28:00 GMT")) == 0.0  # a date in the past
    assert llm._retry_after(ValueError()) is None


def test_mode_follows_endpoint() -> None:
    assert llm.choose_mode(Config(model="m", base_url="https://api.openai.com/v1")) == "tools"
    assert llm.choose_mode(Config(model="m", base_url="http://localhost:11434/v1")) == "json"
    assert llm.choose_mode(Config(model="m", base_url="https://api.openai.com/v1", mode="json")) == "json"
