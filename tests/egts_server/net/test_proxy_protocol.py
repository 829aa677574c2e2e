"""Behind a load balancer: real PROXY v1/v2 headers over real sockets to the served process.

Every test client connects from 127.0.0.1, as a balancer on the same host would; the header
names another client, and the server must act on that one: logs, caps per address, the raw
archive, the HTTP side's address checks.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.builders import proxy
from tests.conftest import Served, start_server, stop_server
from tests.egts_server.net.test_egts_intake import fix, registered_address, stored_count
from tests.egts_terminal import EgtsTerminal
from tests.prometheus import scrape

TRUSTING_LOOPBACK = 'proxy_protocol = true\nproxy_protocol_from = ["127.0.0.0/8"]\n'
TRUSTING_ELSEWHERE = 'proxy_protocol = true\nproxy_protocol_from = ["192.0.2.0/24"]\n'
HEADERS = {"v1": proxy.v1, "v2": proxy.v2}


@pytest.fixture()
def balanced(dsn: str, tmp_path: Path) -> Iterator[Served]:
    """EGTS behind a balancer on loopback, NDTP behind one elsewhere; one connection per
    client address; the raw archive on."""
    served = start_server(
        dsn, tmp_path, "[intake]\nmax_connections_per_address = 1\nlogin_timeout_s = 2.0\n"
        f"[archive]\nenabled = true\ndirectory = \"{tmp_path / 'archive'}\"\n",
        listener_keys={"egts": TRUSTING_LOOPBACK, "ndtp": TRUSTING_ELSEWHERE})
    yield served
    stop_server(served)


def wait_for_log(served: Served, text: str) -> None:
    deadline = time.monotonic() + 10
    while text not in served.log_path.read_text():
        assert time.monotonic() < deadline, f"not logged: {text}\n{served.log_path.read_text()}"
        time.sleep(0.1)


def refused(served: Served, protocol: str, reason: str) -> float:
    """``glonass_connections_refused_total`` for one listener and reason."""
    return scrape(served.http_port).get(
        f'glonass_connections_refused_total{{protocol="{protocol}",reason="{reason}"}}', 0.0)


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed the connection (without a byte) within the socket's timeout."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_terminal_behind_the_balancer_is_known_by_its_own_address(
        balanced: Served, tmp_path: Path, version: str) -> None:
    """Fixes through the header are acknowledged and stored; the archive and the logs name the
    terminal's address and port from the header, not the balancer's."""
    terminal = EgtsTerminal(balanced.egts_port)
    terminal.send(HEADERS[version]("203.0.113.5", 40001))
    response, result = terminal.login(777005, b"867530912345005")
    assert (response.pr, result.result_code) == (0, 0)
    pid, rns = terminal.send_fixes(777005, [fix(0), fix(1)])
    reply = terminal.read_reply()
    assert (reply.rpid, reply.confirmed) == (pid, [(rn, 0) for rn in rns])
    assert stored_count(balanced.dsn, 777005) == 2
    terminal.close()
    wait_for_log(balanced, "EGTS 203.0.113.5:40001 closed")
    day = tmp_path / "archive" / f"egts-{datetime.now(UTC).date().isoformat()}.log"
    deadline = time.monotonic() + 10
    while not (day.exists() and " out " in day.read_text()):
        assert time.monotonic() < deadline, "archive not written"
        time.sleep(0.2)
    peers = {line.split(" ")[2] for line in day.read_text().splitlines()}
    assert peers == {"203.0.113.5:40001"}


def test_registry_remembers_the_address_the_header_names(balanced: Served) -> None:
    """The terminal's last address is the header's source, not the balancer's loopback; a
    later login through another client address replaces it."""
    first = EgtsTerminal(balanced.egts_port)
    first.send(proxy.v2("198.51.100.23", 41234))
    assert first.login(777023, None)[1].result_code == 0
    assert registered_address(balanced.dsn, 777023) == "198.51.100.23:41234"
    first.close()
    wait_for_log(balanced, "EGTS 198.51.100.23:41234 closed")
    again = EgtsTerminal(balanced.egts_port)
    again.send(proxy.v2("2001:db8::17", 41235))
    assert again.login(777023, None)[1].result_code == 0
    assert registered_address(balanced.dsn, 777023) == "2001:db8::17:41235"
    again.close()


def test_connection_caps_count_the_clients_the_headers_name(balanced: Served) -> None:
    """One connection per address: a second from the same client (in either header version)
    is refused, while another client through the same balancer address gets in."""
    first = EgtsTerminal(balanced.egts_port)
    first.send(proxy.v2("203.0.113.9", 50000))
    assert first.login(777009, None)[1].result_code == 0
    second = EgtsTerminal(balanced.egts_port)
    second.send(proxy.v1("203.0.113.9", 50001) + bytes(16))
    assert closed_by_server(second.sock)
    wait_for_log(balanced, "EGTS connection from 203.0.113.9:50001 refused (address_cap)")
    other = EgtsTerminal(balanced.egts_port)
    other.send(proxy.v1("203.0.113.10", 50002))
    assert other.login(777010, None)[1].result_code == 0
    for terminal in (first, second, other):
        terminal.close()


def test_connection_without_a_header_is_closed_with_the_reason_logged(balanced: Served) -> None:
    """A terminal speaking EGTS straight away, and one saying nothing, are both closed."""
    talking = EgtsTerminal(balanced.egts_port)
    talking.send(bytes.fromhex("0100000b00230000000001"))
    assert closed_by_server(talking.sock)
    wait_for_log(balanced, "closed: no PROXY header: starts with 0100000b00230000000001")
    silent = socket.create_connection(("127.0.0.1", balanced.egts_port), timeout=10)
    assert closed_by_server(silent)
    wait_for_log(balanced, "closed: no PROXY header within 2s")
    for sock in (talking.sock, silent):
        sock.close()
    assert stored_count(balanced.dsn, 777005) == 0
    assert refused(balanced, "egts", "proxy_header") == 2


def test_header_from_outside_the_trusted_networks_is_refused(balanced: Served) -> None:
    """NDTP trusts only 192.0.2.0/24: a valid header from loopback gets the connection closed."""
    sock = socket.create_connection(("127.0.0.1", balanced.ndtp_port), timeout=10)
    sock.sendall(proxy.v2("203.0.113.5", 40001))
    assert closed_by_server(sock)
    sock.close()
    wait_for_log(balanced, "NDTP connection from 127.0.0.1:")
    wait_for_log(balanced, "closed: PROXY header from outside proxy_protocol_from")
    assert refused(balanced, "ndtp", "proxy_untrusted") == 1


def http_get(port: int, head: bytes, path: str) -> tuple[int | None, bytes]:
    """The status and the raw answer to ``GET path`` sent after ``head`` (None and b"" when
    the connection was closed without an answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + f"GET {path} HTTP/1.0\r\nHost: glonass\r\n\r\n".encode())
        answer = b""
        with contextlib.suppress(ConnectionResetError):  # refused: closed at once
            while chunk := sock.recv(65536):
                answer += chunk
    return (int(answer.split(b" ", 2)[1]) if answer else None), answer


def healthy_behind_proxy(served: Served) -> bool:
    """Whether ``GET /healthz`` after a PROXY header answers 200 (the server is up)."""
    try:
        return http_get(served.http_port, proxy.v1("203.0.113.7", 1), "/healthz")[0] == 200
    except OSError:
        return False


def test_http_behind_the_balancer_checks_the_client_the_header_names(
        dsn: str, tmp_path: Path) -> None:
    """``/metrics`` is open to 203.0.113.0/24 only: a header naming such a client gets it,
    another client gets 403, and a request without a header no answer at all."""
    served = start_server(dsn, tmp_path, '[metrics]\nallow = ["203.0.113.0/24"]\n',
                          ready=healthy_behind_proxy, listener_keys={"http": TRUSTING_LOOPBACK})
    try:
        status, allowed = http_get(served.http_port, proxy.v2("203.0.113.7", 41000), "/metrics")
        assert status == 200 and b"glonass_" in allowed
        assert http_get(served.http_port, proxy.v1("198.51.100.1", 41001), "/metrics")[0] == 403
        assert http_get(served.http_port, b"", "/metrics") == (None, b"")
        wait_for_log(served, "HTTP connection from 127.0.0.1:")
        wait_for_log(served, "closed: no PROXY header: starts with")
        metrics = http_get(served.http_port, proxy.v1("203.0.113.7", 41002), "/metrics")[1]
        assert b'glonass_connections_refused_total{protocol="http",reason="proxy_header"} 1\n' \
            in metrics
    finally:
        stop_server(served)

