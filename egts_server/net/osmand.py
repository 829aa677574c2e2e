"""OsmAnd / Traccar Client intake: phones report over HTTP on their own port (default 5055).

Each request (GET or POST; query string, form or JSON body) is one report of phone ``id``,
terminal ``osmand:<id>``, admitted through the same registry as every other terminal. The
answer is 200 only after the fix has committed (the phone resends anything else), 400 naming
the field that could not be read, 403 when the registry refuses the phone, 503 when storing
failed. A report without coordinates (cell or Wi-Fi only) is answered 200 and not stored:
there is nothing to put on the map, and a refusal would make the phone resend it for ever.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from twisted.internet.defer import Deferred, succeed
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from db.positions import FixRow
from db.terminals import Admission
from egts_server.codec.osmand import (
    MAX_BODY_BYTES,
    PROTOCOL,
    Report,
    ReportFieldError,
    parse_json,
    parse_query,
    report_position,
)
from egts_server.metrics import IntakeMetrics
from egts_server.model import DeviceKey
from egts_server.net.admission import Admit
from egts_server.net.proxy_header import address_text
from egts_server.sinks import PositionSink

ADMISSION_TTL = timedelta(seconds=60)  # a blocked phone is noticed within this


class OsmandResource(Resource):
    """Every path of the OsmAnd port (phones post to ``/`` or whatever their URL says)."""

    isLeaf = True
    log = Logger()

    def __init__(self, writer: PositionSink, admit: Admit, clock: Callable[[], datetime],
                 metrics: IntakeMetrics) -> None:
        super().__init__()
        self._writer = writer
        self._admit = admit
        self._clock = clock
        self._metrics = metrics
        self._admitted: dict[DeviceKey, tuple[datetime, Admission]] = {}

    def render_GET(self, request: Request) -> bytes | int:  # noqa: N802 (Twisted's name)
        return self._report(request)

    def render_POST(self, request: Request) -> bytes | int:  # noqa: N802
        return self._report(request)

    def _report(self, request: Request) -> bytes | int:
        try:
            report = self._read(request)
        except ReportFieldError as error:
            self.log.warn("OsmAnd {peer}: refused a report: {error}",
                          peer=request.getClientAddress(), error=error)
            return self._answer(request, 400, f"неверное поле {error.field}: {error}")
        now = self._clock()
        position = report_position(report, now)
        if position is None:
            return self._answer(request, 200, "")
        finished = [False]
        request.notifyFinish().addBoth(lambda _: finished.__setitem__(0, True))

        def store(admission: Admission) -> Deferred[int]:
            if not admission.accepted or admission.terminal_id is None:
                self.log.warn("OsmAnd {device}: registry refused ({why})",
                              device=str(position.device), why=admission.reason)
                return succeed(403)
            row = FixRow(admission.terminal_id, admission.vehicle_id, now, position)
            return self._writer.submit([row]).addCallback(lambda _: 200)

        def failed(failure: Failure) -> int:
            self.log.failure("OsmAnd {device}: storing a report failed", failure,
                             device=str(position.device))
            return 503

        def reply(status: int) -> None:
            if not finished[0]:
                request.write(self._answer(request, status, _TEXT[status]))
                request.finish()

        client = address_text(request.getClientAddress())
        d = self._admission(position.device, client).addCallback(store).addErrback(failed)
        d.addCallback(reply)
        return NOT_DONE_YET

    def _read(self, request: Request) -> Report:
        assert request.content is not None
        body = request.content.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise ReportFieldError("body", f"longer than {MAX_BODY_BYTES} bytes")
        content_type = (request.getHeader("content-type") or "").split(";")[0].strip()
        if request.method == b"POST" and content_type == "application/json":
            return parse_json(body)
        fields = {key.decode("utf-8", "replace"): values[0].decode("utf-8", "replace")
                  for key, values in (request.args or {}).items() if values}
        return parse_query(fields)

    def _answer(self, request: Request, status: int, text: str) -> bytes:
        self._metrics.packets.labels(PROTOCOL, str(status)).inc()
        request.setResponseCode(status)
        request.setHeader(b"content-type", b"text/plain; charset=utf-8")
        request.setHeader(b"cache-control", b"no-store")
        return text.encode("utf-8")

    def _admission(self, device: DeviceKey, client: str) -> Deferred[Admission]:
        now = self._clock()
        cached = self._admitted.get(device)
        if cached is not None and now - cached[0] < ADMISSION_TTL:
            return succeed(cached[1])

        def remember(admission: Admission) -> Admission:
            self._admitted[device] = (now, admission)
            return admission

        return self._admit(device, None, {"transport": "http"}, client).addCallback(remember)


_TEXT = {200: "", 403: "терминал не допущен к приёму данных",
         503: "хранилище недоступно: отчёт не принят, отправьте его ещё раз позже"}
