"""No test can reach a non-loopback address; loopback servers still work."""

from __future__ import annotations

import socket

import pytest

import claims
from claims.errors import EndpointError
from tests.conftest import _guarded_connect


def test_guard_refuses_non_loopback_connections() -> None:
    with pytest.raises((ConnectionRefusedError, RuntimeError)) as err:
        socket.create_connection(("192.0.2.1", 443), timeout=5)
    assert "non-loopback" in str(err.value) or "Network is disabled" in str(err.value)


def test_conftest_guard_itself_blocks_and_allows() -> None:
    with socket.socket() as s, pytest.raises(ConnectionRefusedError, match="non-loopback"):
        _guarded_connect(s, ("93.184.216.34", 80))
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with server, socket.socket() as s:
        _guarded_connect(s, server.getsockname())  # loopback is fine


def test_llm_path_to_a_remote_endpoint_fails_without_network() -> None:
    with pytest.raises(EndpointError):
        claims.analyze("Some text.", model="m", base_url="http://192.0.2.1/v1", max_retries=0, timeout=5)
