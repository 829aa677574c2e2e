"""login_details: what an AUTH record says about who connects, as the registry's text keys."""

from __future__ import annotations

from egts_server.codec.egts import RecordHeader, ServiceDataRecord
from egts_server.codec.egts.identity import login_details
from egts_server.codec.egts.subrecords import (
    DispatcherIdentity,
    ModuleData,
    TermIdentity,
    UnknownSubrecord,
    VehicleData,
)
from egts_server.codec.egts.subrecords.base import AnySubrecord


def auth(*subrecords: AnySubrecord, oid: int | None = None) -> ServiceDataRecord:
    return ServiceDataRecord(header=RecordHeader(rn=1, sst=1, rst=1, oid=oid),
                             subrecords=subrecords)


def test_every_term_identity_field_that_was_sent_is_named() -> None:
    """IMEI, IMSI and MSISDN lose their zero fill; NID splits into MCC (bits 19-10) and MNC."""
    identity = TermIdentity(terminal_id=77, home_dispatcher_id=1001,
                            imei=b"864495034643376", imsi=b"250011234567890\x00",
                            language=b"rus", network_id=(250 << 10 | 99).to_bytes(3, "little"),
                            buffer_size=1024, msisdn=b"79001234567\x00\x00\x00\x00")
    assert login_details(auth(identity, oid=5)) == {
        "oid": "5", "tid": "77", "imei": "864495034643376", "imsi": "250011234567890",
        "msisdn": "79001234567", "language": "rus", "home_dispatcher_id": "1001",
        "mcc": "250", "mnc": "99", "buffer_size": "1024"}


def test_fields_not_sent_or_zero_filled_are_left_out() -> None:
    """An all-zero IMEI (the standard's "unknown") is no IMEI; no OID, no "oid" key."""
    assert login_details(auth(TermIdentity(terminal_id=0, imei=bytes(15)))) == {"tid": "0"}


def test_module_data_is_keyed_by_module_type() -> None:
    """Two modules keep apart; versions read "major.minor"; empty texts are left out."""
    main = ModuleData(module_type=1, vendor_id=7, firmware_version=0x0203,
                      software_version=0x0A00, modification=0, state=1,
                      serial_number=b"SN42", description="Главный".encode("cp1251"))
    navigation = ModuleData(module_type=3, vendor_id=8, firmware_version=0x0001,
                            software_version=0x0100, modification=0, state=130)
    assert login_details(auth(main, navigation)) == {
        "module1_vendor": "7", "module1_firmware": "2.3", "module1_software": "10.0",
        "module1_state": "1", "module1_serial": "SN42", "module1_description": "Главный",
        "module3_vendor": "8", "module3_firmware": "0.1", "module3_software": "1.0",
        "module3_state": "130"}


def test_vehicle_data_gives_vin_type_and_propulsion() -> None:
    vehicle = VehicleData(vin=b"XTA21099012345678", vehicle_type=1, propulsion=0b101)
    assert login_details(auth(vehicle)) == {
        "vin": "XTA21099012345678", "vehicle_type": "1", "propulsion": "5"}


def test_a_zero_filled_vin_is_left_out() -> None:
    assert login_details(auth(VehicleData(vin=bytes(17), vehicle_type=2, propulsion=0))) == {
        "vehicle_type": "2", "propulsion": "0"}


def test_dispatcher_identity_keeps_its_description_verbatim() -> None:
    """DSCR is passed on as sent (cp1251 read as text), spaces inside kept."""
    dispatcher = DispatcherIdentity(dispatcher_type=1, dispatcher_id=1007,
                                    description="РНИС Приморье".encode("cp1251"))
    assert login_details(auth(dispatcher)) == {
        "dispatcher_id": "1007", "dispatcher_type": "1",
        "dispatcher_description": "РНИС Приморье"}


def test_subrecords_without_identity_add_nothing() -> None:
    """An unknown AUTH table is skipped, not an error; an empty record gives no details."""
    assert login_details(auth(UnknownSubrecord(service=1, srt=42, data=b"\x01"))) == {}
    assert login_details(auth()) == {}
