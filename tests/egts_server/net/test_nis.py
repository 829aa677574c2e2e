"""``POST /nis`` without a database: credentials, faults, and responses only after commit."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from io import BytesIO

from twisted.internet.defer import Deferred, fail, succeed
from twisted.web.server import NOT_DONE_YET, Request
from twisted.web.test.requesthelper import DummyChannel

from db.terminals import Admission
from egts_server.model import DeviceKey
from egts_server.net.nis import NisResource
from tests.egts_server.codec.nis_soap.test_parse import SAMPLE, envelope, put
from tests.egts_server.net.ndtp_rig import ManualWriter

NOW = datetime(2026, 2, 3, 8, 0, tzinfo=UTC)
PASSWORDS = {"wialon": "s3cret", "glonasssoft": "other"}


class Captured(Request):
    """A real twisted.web Request that also keeps the body it wrote."""

    def __init__(self) -> None:
        super().__init__(DummyChannel())
        self.body = b""

    def write(self, data: bytes) -> None:
        self.body += data
        super().write(data)


class Registry:
    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.refuse = refuse
        self.asked: list[tuple[DeviceKey, dict[str, str]]] = []

    def __call__(self, device: DeviceKey, imei: str | None,
                 details: Mapping[str, str], address: str) -> Deferred[Admission]:
        self.asked.append((device, dict(details)))
        if device.identifier in self.refuse:
            return succeed(Admission(False, None, None, "blocked", "terminal is blocked"))
        return succeed(Admission(True, 100 + len(self.asked), 7, "active", "known terminal"))


def post(resource: NisResource, body: bytes, auth: tuple[str, str] | None = ("wialon", "s3cret"),
         method: bytes = b"POST") -> Captured:
    request = Captured()
    request.method, request.uri, request.path = method, b"/nis", b"/nis"
    request.clientproto = b"HTTP/1.0"
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode())
        request.requestHeaders.setRawHeaders(b"authorization", [b"Basic " + token])
    request.content = BytesIO(body)
    result = resource.render(request)
    if result is not NOT_DONE_YET:
        request.write(result)
        request.finish()
    return request


def rig(registry: Registry | None = None) -> tuple[NisResource, ManualWriter, Registry]:
    writer, registry = ManualWriter(), registry or Registry()
    return NisResource(writer, registry, lambda: NOW, PASSWORDS), writer, registry


def test_missing_credentials_get_401_with_a_basic_challenge() -> None:
    """No Authorization header: 401, WWW-Authenticate Basic, a SOAP fault, nothing stored."""
    resource, writer, registry = rig()
    request = post(resource, SAMPLE, auth=None)
    assert request.code == 401
    assert request.responseHeaders.getRawHeaders(b"www-authenticate") == [
        b'Basic realm="nis", charset="UTF-8"']
    assert b"<faultcode>soapenv:Client</faultcode>" in request.body
    assert writer.calls == [] and registry.asked == []


def test_wrong_password_and_unknown_login_get_401() -> None:
    """A known login with another account's password, or an unknown login: 401."""
    resource, writer, _ = rig()
    for auth in (("wialon", "other"), ("nobody", "s3cret"), ("wialon", "")):
        assert post(resource, SAMPLE, auth=auth).code == 401
    assert writer.calls == []


def test_malformed_xml_gets_400_and_a_fault_naming_the_problem() -> None:
    """Broken XML: 400, text/xml, faultstring says where the XML breaks."""
    resource, writer, _ = rig()
    request = post(resource, b"<soapenv:Envelope><soapenv:Body>")
    assert request.code == 400
    assert request.responseHeaders.getRawHeaders(b"content-type") == [b"text/xml; charset=utf-8"]
    assert b"malformed XML at line 1" in request.body and writer.calls == []


def test_entity_expansion_attempt_gets_400() -> None:
    """A DTD with entities is refused as a fault, never expanded."""
    resource, _, _ = rig()
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Envelope>&a;</Envelope>'
    request = post(resource, bomb)
    assert request.code == 400 and b"DTD is not allowed" in request.body


def test_response_is_written_only_after_the_commit() -> None:
    """The batch is submitted; PutCoordResponse for each record appears once it commits."""
    resource, writer, registry = rig()
    request = post(resource, envelope(put("A1"), put("B2"), put("A1")))
    assert not request.finished and request.body == b""
    assert [r.position.device.identifier for r in writer.rows] == ["A1", "B2", "A1"]
    assert [d for d, _ in registry.asked] == [DeviceKey("nis", "A1"), DeviceKey("nis", "B2")]
    assert registry.asked[0][1] == {"nis_account": "wialon"}
    writer.commit()
    assert request.finished and request.code == 200
    assert request.body.count(b"<ws:PutCoordResponse>") == 3
    assert request.body.index(b"A1") < request.body.index(b"B2")


def test_refused_objects_are_neither_stored_nor_acknowledged() -> None:
    """A blocked ObjectID's record gets no PutCoordResponse; the others do."""
    resource, writer, _ = rig(Registry(refuse=frozenset({"B2"})))
    request = post(resource, envelope(put("A1"), put("B2")))
    writer.commit()
    assert [r.position.device.identifier for r in writer.rows] == ["A1"]
    assert b"<ObjectID>A1</ObjectID>" in request.body
    assert b"<ObjectID>B2</ObjectID>" not in request.body


def test_registry_failure_gets_503_server_fault_and_nothing_acknowledged() -> None:
    """The database is down: 503 with a Server fault, so the platform resends."""
    writer = ManualWriter()

    def broken(device: DeviceKey, imei: str | None,
               details: Mapping[str, str], address: str) -> Deferred[Admission]:
        return fail(ConnectionError("database down"))

    request = post(NisResource(writer, broken, lambda: NOW, PASSWORDS), SAMPLE)
    assert request.code == 503 and b"soapenv:Server" in request.body
    assert b"PutCoordResponse" not in request.body and writer.calls == []


def test_admissions_are_cached_between_posts() -> None:
    """A platform posting every few seconds costs one registry lookup per object a minute."""
    resource, writer, registry = rig()
    for _ in range(3):
        post(resource, envelope(put("A1")))
    writer.commit()
    assert len(registry.asked) == 1


def test_get_is_refused_with_405() -> None:
    """Only POST is served."""
    resource, _, _ = rig()
    request = post(resource, b"", method=b"GET")
    assert request.code == 405
    assert request.responseHeaders.getRawHeaders(b"allow") == [b"POST"]
