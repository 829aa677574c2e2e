"""``POST /nis``: NIS SOAP ``PutCoord`` batches from other monitoring platforms.

A platform (a Wialon or GLONASSsoft retranslator) authenticates with HTTP Basic as one of the
accounts configured in ``[nis.accounts]``, posts a SOAP envelope of ``PutCoord`` records and
gets a ``PutCoordResponse`` per stored record, written only after the transaction that stores
them has committed (the acknowledgement rule). Each ObjectID is a terminal
``DeviceKey("nis", ObjectID)`` admitted through the same registry as EGTS and NDTP terminals,
so ``intake.unknown_terminals`` applies; records of refused objects are not stored and get no
response. A malformed batch is refused whole with a SOAP fault and 400.

The parsing is the pure codec's (``egts_server.codec.nis_soap``); this resource only does
HTTP, credentials, the registry and the writer.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from twisted.internet.defer import Deferred, gatherResults
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from db.positions import FixRow
from db.terminals import Admission
from egts_server.codec.nis_soap import (
    CONTENT_TYPE,
    MAX_BODY_BYTES,
    NisFormatError,
    PutCoordRequest,
    build_fault,
    build_response,
    parse_request,
    put_coord_positions,
)
from egts_server.model import DeviceKey
from egts_server.net.admission import Admit
from egts_server.net.proxy_header import address_text
from egts_server.sinks import PositionSink

Clock = Callable[[], datetime]
ADMISSION_TTL = timedelta(seconds=60)  # a blocked terminal is noticed within this
_DUMMY_PASSWORD = b"\x00" * 32  # compared against when the login is unknown: same work


class NisResource(Resource):
    """The SOAP endpoint (a leaf: ``/nis`` only)."""

    isLeaf = True
    log = Logger()

    def __init__(self, writer: PositionSink, admit: Admit, clock: Clock,
                 passwords: Mapping[str, str]) -> None:
        super().__init__()
        self._writer = writer
        self._admit = admit
        self._clock = clock
        self._passwords = {login.encode("utf-8"): password.encode("utf-8")
                           for login, password in passwords.items()}
        self._admitted: dict[DeviceKey, tuple[datetime, Admission]] = {}

    def render_GET(self, request: Request) -> bytes:  # noqa: N802 (Twisted's name)
        request.setHeader(b"allow", b"POST")
        return _fault(request, 405, "use POST with a SOAP envelope of PutCoord records")

    def render_POST(self, request: Request) -> bytes | int:  # noqa: N802
        account = self._account(request)
        if account is None:
            request.setHeader(b"www-authenticate", b'Basic realm="nis", charset="UTF-8"')
            return _fault(request, 401, "HTTP Basic credentials of a configured NIS sender "
                                        "account are required")
        assert request.content is not None
        body = request.content.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return _fault(request, 413, f"request body exceeds {MAX_BODY_BYTES} bytes; "
                                        "send smaller batches")
        try:
            batch = parse_request(body)
        except NisFormatError as e:
            self.log.warn("NIS {account}: refused a batch: {error}", account=account, error=e)
            return _fault(request, 400, str(e))
        finished = [False]
        request.notifyFinish().addBoth(lambda _: finished.__setitem__(0, True))
        d = self._store(batch, account, address_text(request.getClientAddress()))

        def answer(stored: list[str]) -> None:
            self.log.info("NIS {account}: stored {n} of {total} records", account=account,
                          n=len(stored), total=len(batch.records))
            if not finished[0]:
                _reply(request, 200, build_response(stored, batch.ws_namespace))

        def failed(failure: Failure) -> None:
            self.log.failure("NIS {account}: storing a batch failed", failure, account=account)
            if not finished[0]:
                _reply(request, 503, build_fault("storage unavailable: nothing was "
                                                 "acknowledged, send the batch again later",
                                                 server=True))

        d.addCallbacks(answer, failed)
        return NOT_DONE_YET

    # -- internals ---------------------------------------------------------------------------

    def _account(self, request: Request) -> str | None:
        """The configured login whose password matches, or None (timing independent of why)."""
        login: bytes = request.getUser()
        password: bytes = request.getPassword()
        expected = self._passwords.get(login, _DUMMY_PASSWORD)
        matches = hmac.compare_digest(expected, password)
        if not matches or login not in self._passwords:
            return None
        return login.decode("utf-8", "replace")

    def _store(self, batch: PutCoordRequest, account: str,
               client: str) -> Deferred[list[str]]:
        """Admit each object, submit the accepted fixes; fires with their ObjectIDs once
        committed."""
        positions = put_coord_positions(batch.records)
        devices = list(dict.fromkeys(p.device for p in positions))
        admitted = gatherResults([self._admission(device, account, client) for device in devices],
                                 consumeErrors=True)

        def submit(admissions: list[Admission]) -> Deferred[list[str]]:
            by_device = dict(zip(devices, admissions, strict=True))
            now = self._clock()
            rows: list[FixRow] = []
            stored: list[str] = []
            for record, position in zip(batch.records, positions, strict=True):
                admission = by_device[position.device]
                if admission.accepted and admission.terminal_id is not None:
                    rows.append(FixRow(admission.terminal_id, admission.vehicle_id, now,
                                       position))
                    stored.append(record.object_id)
            refused = [str(d) for d, a in by_device.items() if not a.accepted]
            if refused:
                self.log.warn("NIS {account}: registry refused {objects}", account=account,
                              objects=", ".join(refused))
            return self._writer.submit(rows).addCallback(lambda _: stored)

        return admitted.addCallback(submit)

    def _admission(self, device: DeviceKey, account: str,
                   client: str) -> Deferred[Admission]:
        now = self._clock()
        cached = self._admitted.get(device)
        if cached is not None and now - cached[0] < ADMISSION_TTL:
            d: Deferred[Admission] = Deferred()
            d.callback(cached[1])
            return d

        def remember(admission: Admission) -> Admission:
            self._admitted[device] = (now, admission)
            return admission

        return self._admit(device, None, {"nis_account": account}, client).addCallback(remember)


def _reply(request: Request, status: int, body: bytes) -> None:
    request.setResponseCode(status)
    request.setHeader(b"content-type", CONTENT_TYPE.encode("ascii"))
    request.setHeader(b"cache-control", b"no-store")
    request.write(body)
    request.finish()


def _fault(request: Request, status: int, message: str) -> bytes:
    request.setResponseCode(status)
    request.setHeader(b"content-type", CONTENT_TYPE.encode("ascii"))
    return build_fault(message)

