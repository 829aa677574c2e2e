"""What /nis answers: exact envelopes, well-formed and namespace-correct."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from egts_server.codec.nis_soap import build_fault, build_response

SOAP = "{http://schemas.xmlsoap.org/soap/envelope/}"


def test_response_lists_each_stored_record_in_order() -> None:
    """One PutCoordResponse per stored record, byte for byte."""
    assert build_response(["01326273", "A&B"], "urn:x") == (
        b'<?xml version="1.0" encoding="UTF-8"?>\r\n'
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
        b' xmlns:ws="urn:x">\r\n<soapenv:Body>\r\n'
        b"<ws:PutCoordResponse><ObjectID>01326273</ObjectID></ws:PutCoordResponse>\r\n"
        b"<ws:PutCoordResponse><ObjectID>A&amp;B</ObjectID></ws:PutCoordResponse>\r\n"
        b"</soapenv:Body>\r\n</soapenv:Envelope>\r\n")


def test_response_is_namespace_well_formed() -> None:
    """Unlike glonassd's, our envelope parses with a namespace-aware parser."""
    root = ET.fromstring(build_response(["7"], "urn:x"))
    (item,) = root.find(f"{SOAP}Body") or []
    assert item.tag == "{urn:x}PutCoordResponse" and item.findtext("ObjectID") == "7"


def test_fault_names_the_problem_with_client_or_server_code() -> None:
    """Faults are SOAP 1.1: faultcode Client for the sender's mistakes, Server for ours."""
    client = ET.fromstring(build_fault("PutCoord #2: no Coord <here>"))
    fault = client.find(f"{SOAP}Body/{SOAP}Fault")
    assert fault is not None
    assert fault.findtext("faultcode") == "soapenv:Client"
    assert fault.findtext("faultstring") == "PutCoord #2: no Coord <here>"
    server = ET.fromstring(build_fault("storage unavailable", server=True))
    assert server.findtext(f"{SOAP}Body/{SOAP}Fault/faultcode") == "soapenv:Server"
