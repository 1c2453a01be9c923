"""Tests the server plumbing over real HTTP(S) on 127.0.0.1: limits, deadlines, problem
details, concurrency, TLS, the access log and graceful shutdown."""

from __future__ import annotations

import json
import logging
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.serving import make_test_ca, raw_connection, read_response
from wallet.errors import UsageError
from wallet.server import Guard, Limits, Listen, Problem, Running, application

DEADLINE = 1.0


class Gate:
    """Lets a test hold a handler inside its request, and know when it got there."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self._count = 0
        self._changed = threading.Condition()

    def enter(self) -> None:
        with self._changed:
            self._count += 1
            self._changed.notify_all()
        self.entered.set()

    def wait_for(self, count: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._count >= count, timeout=10)


def make_app(gate: Gate, limits: Limits) -> Guard:
    async def hello(_request: Request) -> Response:
        return JSONResponse({"hello": "world"})

    async def echo(request: Request) -> Response:
        if request.headers.get("content-type") != "application/json":
            raise Problem(415, "unsupported-media-type", "send application/json")
        try:
            data = json.loads(await request.body())
        except ValueError:
            raise Problem(400, "malformed-json", "the body is not JSON") from None
        return JSONResponse({"echo": data})

    def held(_request: Request) -> Response:
        gate.enter()
        gate.release.wait(30)
        return JSONResponse({"held": True})

    async def crash(_request: Request) -> Response:
        raise RuntimeError("secret-value-in-message")

    routes = [
        Route("/hello", hello),
        Route("/echo", echo, methods=["POST"]),
        Route("/held", held),
        Route("/crash", crash),
    ]
    return application(routes, limits)


@pytest.fixture
def gate() -> Iterator[Gate]:
    gate = Gate()
    yield gate
    gate.release.set()


@pytest.fixture
def server(gate: Gate) -> Iterator[Running]:
    limits = Limits(max_body=1024, deadline=DEADLINE, active=2, waiting=1)
    with Running(make_app(gate, limits), limits=limits) as running:
        yield running


def problem_of(response: httpx.Response) -> dict[str, object]:
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert isinstance(body, dict)
    assert body["status"] == response.status_code
    return body


def test_serves_json(server: Running) -> None:
    response = httpx.get(f"{server.url}/hello")
    assert response.status_code == 200
    assert response.json() == {"hello": "world"}


def test_echoes_a_body(server: Running) -> None:
    response = httpx.post(f"{server.url}/echo", json={"a": 1})
    assert response.json() == {"echo": {"a": 1}}


@pytest.mark.parametrize(
    ("method", "path", "status", "name"),
    [("GET", "/nowhere", 404, "not-found"), ("GET", "/echo", 405, "method-not-allowed")],
)
def test_routing_refusals_are_problems(
    server: Running, method: str, path: str, status: int, name: str
) -> None:
    response = httpx.request(method, server.url + path)
    assert response.status_code == status
    assert problem_of(response)["type"] == f"urn:ssi-wallet:problem:{name}"


def test_handler_problems_are_problems(server: Running) -> None:
    wrong_type = httpx.post(f"{server.url}/echo", content=b"{}")
    assert wrong_type.status_code == 415
    malformed = httpx.post(
        f"{server.url}/echo", content=b"{", headers={"content-type": "application/json"}
    )
    assert problem_of(malformed)["type"] == "urn:ssi-wallet:problem:malformed-json"


def test_a_declared_oversized_body_is_refused_before_it_is_read(server: Running) -> None:
    sock = raw_connection(server.port)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
    reply = read_response(sock)
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"content-too-large" in reply


def test_a_streamed_oversized_body_is_refused(server: Running) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 500

    response = httpx.post(f"{server.url}/echo", content=chunks())
    assert response.status_code == 413
    assert problem_of(response)["type"] == "urn:ssi-wallet:problem:content-too-large"


def test_malformed_content_length_is_refused(server: Running) -> None:
    sock = raw_connection(server.port)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n")
    assert read_response(sock).startswith(b"HTTP/1.1 400 ")


def test_dripped_headers_get_408_at_the_deadline_while_others_are_served(
    server: Running,
) -> None:
    sock = raw_connection(server.port)
    began = time.monotonic()
    sock.sendall(b"GET /hello HTTP/1.1\r\n")
    # Others are served while the slow client holds its connection.
    assert httpx.get(f"{server.url}/hello").status_code == 200
    sock.sendall(b"Host: x\r\n")
    reply = read_response(sock)
    elapsed = time.monotonic() - began
    assert reply.startswith(b"HTTP/1.1 408 ")
    assert b"request-timeout" in reply
    assert DEADLINE * 0.9 <= elapsed < DEADLINE + 1.0


def test_a_silent_connection_is_closed_at_the_deadline(server: Running) -> None:
    sock = raw_connection(server.port)
    began = time.monotonic()
    assert read_response(sock) == b""
    assert time.monotonic() - began < DEADLINE + 1.0


def test_a_dripped_body_gets_408_at_the_deadline(server: Running) -> None:
    sock = raw_connection(server.port)
    began = time.monotonic()
    sock.sendall(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    assert httpx.get(f"{server.url}/hello").status_code == 200
    reply = read_response(sock)
    assert reply.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - began < DEADLINE + 1.0


def test_the_deadline_covers_the_header_time(server: Running) -> None:
    """Headers that take most of the deadline leave the body only the rest of it."""
    sock = raw_connection(server.port)
    began = time.monotonic()
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\n")
    threading.Event().wait(DEADLINE * 0.6)  # The client's own pace, not the test's.
    sock.sendall(b"Content-Length: 10\r\n\r\n{")
    reply = read_response(sock)
    assert reply.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - began < DEADLINE + 0.5


def test_busy_server_refuses_with_429_and_retry_after(gate: Gate) -> None:
    limits = Limits(deadline=10, active=2, waiting=0)
    with (
        Running(make_app(gate, limits), limits=limits) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        results: list[int] = []
        holders = [
            threading.Thread(target=lambda: results.append(client.get("/held").status_code))
            for _ in range(2)
        ]
        for holder in holders:
            holder.start()
        assert gate.entered.wait(10)
        assert gate.wait_for(2)
        refused = client.get("/hello")
        gate.release.set()
        for holder in holders:
            holder.join()
        after = client.get("/hello")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert problem_of(refused)["type"] == "urn:ssi-wallet:problem:too-many-requests"
    assert results == [200, 200]
    assert after.status_code == 200


def test_a_crash_is_a_500_problem_without_its_message(
    server: Running, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="wallet.server"):
        response = httpx.get(f"{server.url}/crash")
    assert response.status_code == 500
    assert problem_of(response)["type"] == "urn:ssi-wallet:problem:internal-error"
    assert "secret-value" not in response.text
    assert "secret-value" not in caplog.text
    assert "RuntimeError" in caplog.text


class _Lines(logging.Handler):
    """Collects log lines and signals the first one: the access line is written after the
    response has left, so the client may return before it exists."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.arrived = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        self.arrived.set()


def test_access_log_has_no_client_address_or_query(server: Running) -> None:
    access = logging.getLogger("wallet.server.access")
    handler = _Lines()
    level = access.level
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        httpx.get(f"{server.url}/hello?voter=alice")
        assert handler.arrived.wait(10)
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    lines = handler.lines
    assert len(lines) == 1
    assert lines[0].startswith("GET /hello 200 ")
    assert "127.0.0.1" not in lines[0]
    assert "alice" not in lines[0]


def test_graceful_shutdown_finishes_requests_in_flight(gate: Gate) -> None:
    limits = Limits(deadline=10)
    server = Running(make_app(gate, limits), limits=limits).start()
    statuses: list[int] = []
    client = threading.Thread(
        target=lambda: statuses.append(httpx.get(f"{server.url}/held", timeout=10).status_code)
    )
    client.start()
    assert gate.entered.wait(10)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    gate.release.set()
    client.join()
    stopper.join()
    assert statuses == [200]


def test_https_with_a_private_ca(tmp_path: Path, gate: Gate) -> None:
    ca = make_test_ca(tmp_path)
    limits = Limits()
    with Running(make_app(gate, limits), tls=ca.tls, limits=limits) as server:
        assert server.url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(ca.ca_file))
        response = httpx.get(f"{server.url}/hello", verify=context)
        assert response.json() == {"hello": "world"}
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.url}/hello")  # The system CAs do not know the test CA.


def test_plain_http_only_on_loopback() -> None:
    Listen.parse("127.0.0.1:8080").check_plain_http(None)
    Listen.parse("[::1]:8080").check_plain_http(None)
    with pytest.raises(UsageError, match="without TLS"):
        Listen.parse("0.0.0.0:8080").check_plain_http(None)
    with pytest.raises(UsageError, match="HOST:PORT"):
        Listen.parse("8080")
