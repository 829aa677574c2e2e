"""The values every layer shares: the protocol-neutral fix, and a command to a terminal.

Codecs convert wire units into ``Position``'s fields (units are in the names); the writer stores
them; dispatch and maps read them back. Nothing here knows about a protocol's bytes or a
database, and nothing of ours is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Final, NamedTuple

AttributeValue = int | float | bool | str

#: Attribute keys stored with a fix besides the typed columns (traccar's KEY_* idea).
#: The unit is in the name, or a comment says it.
KEY_ANALOG = "adc{n}"  # analog input n, raw value as sent
KEY_COUNTER = "counter{n}"  # counter n, raw value
KEY_OUTPUTS: Final = "outputs"  # digital outputs bitmask
KEY_VDOP: Final = "vdop"
KEY_PDOP: Final = "pdop"
KEY_NAV_SYSTEMS: Final = "nav_systems"  # bitmask: 1 GLONASS, 2 GPS, 4 Galileo, ...
KEY_EVENT_SOURCE: Final = "event_source"  # why the terminal sent the fix (EGTS SRC)
KEY_MOVING: Final = "moving"
KEY_FIX_3D: Final = "fix_3d"
KEY_RECORD_NUMBER: Final = "record_number"  # EGTS RN, for diagnosis only
KEY_EVENT_SOURCE_DATA: Final = "event_source_data"  # EGTS SRCD, hex of the raw bytes
KEY_DIGITAL_INPUT = "din{n}"  # digital input n: state code (0 = inactive); absolute digital
# sensors, and inputs above INPUTS_IN_MASK, which the inputs mask cannot hold
INPUTS_IN_MASK: Final = 63  # Position.inputs holds inputs 1-63: it is stored as a signed int64
KEY_LOOP = "loop{n}"  # loop input n: 0 norm, 1 alarm, 2 break, 4 short to ground, 8 short to supply
KEY_LLS_LEVEL = "lls{n}_level"  # liquid level sensor n: value in the unit of lls{n}_unit
KEY_LLS_UNIT = "lls{n}_unit"  # "raw" | "percent" | "0.1 l"
KEY_LLS_ERROR = "lls{n}_error"  # True: the terminal could not read sensor n
KEY_LLS_ADDRESS = "lls{n}_address"  # sensor n's bus address (EGTS MADDR)
KEY_LLS_RAW = "lls{n}_raw"  # sensor n's unparsed reply, hex
KEY_PASSENGERS_IN = "passengers_in_door{n}"  # people who entered through door n
KEY_PASSENGERS_OUT = "passengers_out_door{n}"  # people who left through door n
KEY_PASSENGERS_RAW: Final = "passengers_raw"  # unparsed passenger-counter reply, hex
KEY_DOORS_OPENED: Final = "doors_opened"  # bitmask of doors opened since the last report
KEY_VOLTAGE_MAIN: Final = "voltage_main_v"  # main power supply, volts
KEY_VOLTAGE_BACKUP: Final = "voltage_backup_v"  # backup battery, volts
KEY_VOLTAGE_INTERNAL: Final = "voltage_internal_v"  # internal battery, volts
KEY_TERMINAL_STATE: Final = "terminal_state"  # EGTS ST: 0 passive, 2 active, 3 emergency call ...
KEY_NAV_MODULE_ON: Final = "nav_module_on"
KEY_BACKUP_IN_USE: Final = "backup_battery_in_use"
KEY_INTERNAL_BATTERY_IN_USE: Final = "internal_battery_in_use"

# -- NDTP v6 cells (research/nis.md §3.5); {n} is the cell's instance number ------------------
KEY_SPEED_MAX: Final = "speed_max_kmh"  # highest speed over the reporting period
KEY_TRACK_M: Final = "track_m"  # metres driven since the previous record (wraps at 65535)
KEY_ALARM: Final = "alarm"
KEY_SOS: Final = "sos"
KEY_CALL_REQUEST: Final = "call_request"  # the driver asks for a voice call
KEY_FIRST_POWER_ON: Final = "first_power_on"
KEY_PDOP_RAW: Final = "pdop_raw"  # NDTP pdop byte; its scaling is not public
KEY_NAV_RECEIVER: Final = "nav_receiver"  # NDTP nav cell number (receiver index)
KEY_GSM_CSQ: Final = "gsm_csq"  # GSM signal quality, 0..31
KEY_GPRS_STATE: Final = "gprs_state"  # raw
KEY_ACCEL_ENERGY: Final = "accel_energy"  # raw
KEY_EXT_VOLTAGE_RAW: Final = "ext_voltage_raw"  # raw; scaling unverified
KEY_ROAD_MACHINE_RAW = "road_machine{n}_raw"  # NDTP cell 5 (КДМ) hex; mapped per vehicle
KEY_PASSENGERS_CROWN_RAW = "passengers_crown{n}_raw"  # NDTP cell 3 ("Корона") hex
KEY_PASSENGERS_IRMA_RAW = "passengers_irma{n}_raw"  # NDTP cell 4 (IRMA) hex
KEY_FUEL_STATUS = "fuel{n}_status"  # NDTP cell 8 (УЗИ-М): 0 OK
KEY_FUEL_LEVEL_MM = "fuel{n}_level_mm"
KEY_FUEL_LEVEL_L = "fuel{n}_level_l"
KEY_FUEL_TEMPERATURE_RAW = "fuel{n}_temperature_raw"
KEY_CAN_ABSENT = "can{n}_absent"  # NDTP cell 10: True when no CAN module is fitted
KEY_CAN_STATUS = "can{n}_status"  # sec_flag_status, raw
KEY_CAN_ENGINE_HOURS_X100 = "can{n}_engine_hours_x100"  # as sent (x 100 h)
KEY_CAN_TOTAL_KM_X100 = "can{n}_total_km_x100"  # as sent (x 100 km)
KEY_CAN_TOTAL_FUEL_L = "can{n}_total_fuel_l"
KEY_CAN_FUEL_LEVEL = "can{n}_fuel_level"  # in the unit of can{n}_fuel_level_unit
KEY_CAN_FUEL_LEVEL_UNIT = "can{n}_fuel_level_unit"  # "percent" | "l"
KEY_CAN_RPM = "can{n}_rpm"
KEY_CAN_ENGINE_TEMP_C = "can{n}_engine_temp_c"
KEY_CAN_SPEED_KMH = "can{n}_speed_kmh"
KEY_CAN_AXLE_LOAD = "can{n}_axle{k}_load_10kg"  # axle k (1-5), kg x 10 as sent
KEY_CAN_ALARM_FLAGS = "can{n}_alarm_flags"
KEY_NDTP_CELL_RAW = "ndtp_cell{t}_{n}_raw"  # any other NDTP cell of known size, hex
KEY_NDTP_TAIL_RAW: Final = "ndtp_tail_raw"  # from the first cell of unknown type on, hex

# -- trackers with free-form parameters (Wialon IPS, OsmAnd, Teltonika) ------------------------
KEY_IBUTTON: Final = "ibutton"  # driver key (iButton) code as sent
KEY_PARAM = "param_{name}"  # a named parameter as the tracker sent it (Wialon IPS params)
KEY_IO = "io{n}"  # Teltonika AVL IO element n, raw value (bytes longer than 8 as hex)
KEY_BATTERY_PERCENT: Final = "battery_percent"  # phone battery level
KEY_ACCURACY_M: Final = "accuracy_m"  # the phone's own estimate of its position error
KEY_DROPPED_RAW = "dropped_{element}_raw"  # an optional element that could not be read, as sent


@dataclass(frozen=True, slots=True)
class DeviceKey:
    """Who sent a fix: the protocol and the terminal's own identifier in it.

    EGTS: the TID (decimal) when non-zero, else the IMEI; for retranslated streams the record OID.
    NDTP: the device id. NIS SOAP: the sender's ObjectID.
    """

    protocol: str
    identifier: str

    def __str__(self) -> str:
        return f"{self.protocol}:{self.identifier}"


class Position(NamedTuple):
    """One navigation fix as the terminal reported it, in SI-ish units.

    Nothing is dropped at intake: invalid fixes (``valid=False``) and black-box replays are kept
    and flagged; dispatch decides what to trust.

    A named tuple rather than a frozen dataclass: intake builds one for every fix it receives,
    and a tuple is the one immutable value CPython builds in a single call
    (``tuple.__new__(Position, values)``, the EGTS codec's way); a frozen dataclass pays an
    ``object.__setattr__`` per field, about as much as decoding the fix. So it checks nothing
    itself: whoever builds one guarantees that ``fix_time`` is aware, latitude within +-90 and
    longitude within +-180 (each codec's ``to_positions`` does).
    """

    device: DeviceKey
    fix_time: datetime  # aware, UTC
    latitude: float  # WGS-84 degrees, south negative
    longitude: float  # WGS-84 degrees, west negative
    valid: bool
    speed_kmh: float
    course_deg: float
    altitude_m: float | None = None
    satellites: int | None = None
    hdop: float | None = None
    inputs: int | None = None  # digital inputs 1-63 (INPUTS_IN_MASK) as a mask, bit 0 = input 1
    odometer_m: float | None = None
    black_box: bool = False  # replayed from the terminal's memory
    pz90: bool = False  # coordinates were sent in PZ-90.02 (kept as is: < 1 m from WGS-84 here)
    attributes: Mapping[str, AttributeValue] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandSpec:
    """One command to a terminal, checked, in EGTS units; ``summary`` is what operators read.

    Built by ``egts_server.commands.parse_command``; queued as plain columns by ``db.commands``.
    """

    kind: str  # text | command | parameter
    code: int  # CCD
    action: int  # ACT
    data: bytes  # DT
    charset: int  # CHS
    summary: str
    ttl_s: float | None = None
