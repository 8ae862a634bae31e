"""Shared set-up for the tests that replay recorded HTTP (vcrpy cassettes in fixtures/cassettes/)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

VCR_CONFIG: dict[str, Any] = {
    "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization", "cookie", "set-cookie"],
    "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
    "allow_playback_repeats": False,
    "decode_compressed_response": True,
}


def endpoint_for(request: pytest.FixtureRequest, vcr: Any, reference_model: str) -> Iterator[dict[str, Any]]:
    """Where the run goes: a live endpoint (CLAIMS_RECORD_BASE_URL) or the local reference server
    when recording, else the endpoint, model and mode the cassette was recorded with (no network)."""
    recording = (request.config.getoption("--record-mode") or "none") != "none"
    if recording and os.environ.get("CLAIMS_RECORD_BASE_URL"):
        yield {
            "base_url": os.environ["CLAIMS_RECORD_BASE_URL"],
            "model": os.environ.get("CLAIMS_RECORD_MODEL", reference_model),
            "api_key": os.environ.get("CLAIMS_RECORD_API_KEY", "not-needed"),
        }
    elif recording:
        from tests.fake_openai import FakeOpenAI

        with FakeOpenAI() as server:
            yield {"base_url": server.base_url, "model": reference_model}
    else:
        if not vcr.requests:
            pytest.fail(f"cassette {vcr._path} is empty or missing: re-record (fixtures/README.md)")
        first = vcr.requests[0]
        body = json.loads(first.body)
        response_format = json.dumps(body.get("response_format"))
        mode = "tools" if "tools" in body else "json_schema" if "json_schema" in response_format else "json"
        yield {"base_url": first.uri.rsplit("/chat/completions", 1)[0], "model": body["model"], "mode": mode}
