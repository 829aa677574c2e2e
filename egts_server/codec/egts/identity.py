"""What an AUTH record tells about who is connecting, as text for logs and the registry."""

from __future__ import annotations

from egts_server.codec.egts.records import ServiceDataRecord
from egts_server.codec.egts.subrecords import (
    DispatcherIdentity,
    ModuleData,
    TermIdentity,
    VehicleData,
)
from egts_server.codec.egts.subrecords.module_data import version_text
from egts_server.codec.egts.subrecords.term_identity import text


def login_details(record: ServiceDataRecord) -> dict[str, str]:
    """Identity fields of one AUTH record; keys are stable, values are display text.

    ``dispatcher_description`` is sent verbatim: some platforms put credentials there.
    """
    details: dict[str, str] = {}
    if record.header.oid is not None:
        details["oid"] = str(record.header.oid)
    for sub in record.subrecords:
        if isinstance(sub, TermIdentity):
            details["tid"] = str(sub.terminal_id)
            for key, value in (("imei", sub.imei_text), ("imsi", sub.imsi_text),
                               ("msisdn", sub.msisdn_text), ("language", text(sub.language))):
                if value is not None:
                    details[key] = value
            if sub.home_dispatcher_id is not None:
                details["home_dispatcher_id"] = str(sub.home_dispatcher_id)
            if sub.mcc is not None:
                details["mcc"], details["mnc"] = str(sub.mcc), str(sub.mnc)
            if sub.buffer_size is not None:
                details["buffer_size"] = str(sub.buffer_size)
        elif isinstance(sub, ModuleData):
            prefix = f"module{sub.module_type}"
            details[f"{prefix}_vendor"] = str(sub.vendor_id)
            details[f"{prefix}_firmware"] = version_text(sub.firmware_version)
            details[f"{prefix}_software"] = version_text(sub.software_version)
            details[f"{prefix}_state"] = str(sub.state)
            for key, raw in (("serial", sub.serial_number), ("description", sub.description)):
                value = text(raw)
                if value is not None:
                    details[f"{prefix}_{key}"] = value
        elif isinstance(sub, VehicleData):
            vin = text(sub.vin)
            if vin is not None:
                details["vin"] = vin
            details["vehicle_type"] = str(sub.vehicle_type)
            details["propulsion"] = str(sub.propulsion)
        elif isinstance(sub, DispatcherIdentity):
            details["dispatcher_id"] = str(sub.dispatcher_id)
            details["dispatcher_type"] = str(sub.dispatcher_type)
            description = text(sub.description)
            if description is not None:
                details["dispatcher_description"] = description
    return details
