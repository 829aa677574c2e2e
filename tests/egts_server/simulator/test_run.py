"""``glonass-dispatch simulate`` as a process: it logs as text, dials the listener it is given
with the vehicles it is given, and exits 0 once its duration has passed."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime

from egts_server.codec.egts import Framer, Session
from egts_server.model import DeviceKey
from tests.conftest import REPO

SCRIPT = ("from egts_server.simulator.run import run_simulator; "
          "raise SystemExit(run_simulator(vehicles=1, first=3, host='127.0.0.1', port={port}, "
          "interval_s=0.2, duration_s=1.0))")


def test_the_simulator_dials_its_listener_logs_and_stops_after_its_duration() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        process = subprocess.Popen([sys.executable, "-c", SCRIPT.format(port=port)], cwd=REPO,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        listener.settimeout(20)
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(20)
            received = connection.recv(4096)
            out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    (login, *_) = Framer().feed(received)
    handled = Session(now=lambda: datetime.now(UTC)).handle(login)
    assert handled.login is not None and handled.login.device == DeviceKey("egts", "1004")
    assert "simulating 1 terminals at 127.0.0.1 (1 egts), a fix every 0.2s" in out
