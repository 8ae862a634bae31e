"""Shared test fixtures: an isolated cache and a dummy key per test, no network but loopback."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so that `tests.fake_openai` imports as in bench scripts
    sys.path.insert(0, str(ROOT))

DUMMY_KEY = "sk-test-dummy-0123456789abcdef"


def _record_hosts() -> set[str]:
    """Addresses of CLAIMS_RECORD_BASE_URL: the one explicit opt-in for re-recording cassettes
    against a live endpoint (see fixtures/README.md)."""
    url = os.environ.get("CLAIMS_RECORD_BASE_URL")
    host = urlparse(url).hostname if url else None
    if not host:
        return set()
    try:
        return {str(info[4][0]) for info in socket.getaddrinfo(host, None)} | {host}
    except OSError:
        return {host}


RECORD_HOSTS = _record_hosts()


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
    elif isinstance(address, (str, bytes)):
        return True  # AF_UNIX paths are local
    else:
        return False
    if host == "localhost" or host in RECORD_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(address):
        raise ConnectionRefusedError(f"tests may not connect to non-loopback address {address!r}")
    _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_loopback(address):
        raise ConnectionRefusedError(f"tests may not connect to non-loopback address {address!r}")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every socket connection to a non-loopback address fails, whatever the library."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


@pytest.fixture
def allowed_hosts() -> list[str]:
    """pytest-recording's --block-network lets loopback through (local test servers), nothing else."""
    return [r"127\.\d+\.\d+\.\d+$", r"::1$", r"localhost$", *(re.escape(h) + "$" for h in RECORD_HOSTS)]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh cache directory and a dummy key for each test; no endpoint from the user's shell."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("CLAIMS_CACHE_DIR", str(cache))
    monkeypatch.setenv("CLAIMS_API_KEY", DUMMY_KEY)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CLAIMS_BASE_URL", "CLAIMS_MODEL", "CLAIMS_MODE"):
        monkeypatch.delenv(name, raising=False)
    return cache


@pytest.fixture
def fake_openai() -> Iterator[object]:
    """A running local OpenAI-compatible server in reference mode (see tests/fake_openai.py)."""
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        yield server
