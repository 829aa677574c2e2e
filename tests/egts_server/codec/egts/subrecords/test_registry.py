"""The subrecord registry against the SRT enums of ``constants``: one source for the codes."""

from __future__ import annotations

import enum

from egts_server.codec.egts.constants import (
    AuthSrt,
    CommandsSrt,
    EcallSrt,
    FirmwareSrt,
    ServiceType,
    TeledataSrt,
)
from egts_server.codec.egts.subrecords import (
    REGISTRY,
    AbsAnSensData,
    AbsCntrData,
    AbsDigSensData,
    AbsLoopinData,
    AccelData,
    AdSensorsData,
    AuthInfo,
    AuthParams,
    CommandData,
    CountersData,
    DispatcherIdentity,
    ExtPosData,
    LiquidLevelSensor,
    LoopinData,
    ModuleData,
    PassengersCounters,
    PosData,
    RecordResponse,
    ResultCodeData,
    ServiceInfo,
    StateData,
    StateDataSrt21,
    TermIdentity,
    VehicleData,
)

#: Written from the enums (GOST 33472 tables of SRT per service), not from the table classes.
EXPECTED = {
    (ServiceType.AUTH, AuthSrt.RECORD_RESPONSE): RecordResponse,
    (ServiceType.AUTH, AuthSrt.TERM_IDENTITY): TermIdentity,
    (ServiceType.AUTH, AuthSrt.MODULE_DATA): ModuleData,
    (ServiceType.AUTH, AuthSrt.VEHICLE_DATA): VehicleData,
    (ServiceType.AUTH, AuthSrt.DISPATCHER_IDENTITY): DispatcherIdentity,
    (ServiceType.AUTH, AuthSrt.AUTH_PARAMS): AuthParams,
    (ServiceType.AUTH, AuthSrt.AUTH_INFO): AuthInfo,
    (ServiceType.AUTH, AuthSrt.SERVICE_INFO): ServiceInfo,
    (ServiceType.AUTH, AuthSrt.RESULT_CODE): ResultCodeData,
    (ServiceType.TELEDATA, TeledataSrt.RECORD_RESPONSE): RecordResponse,
    (ServiceType.TELEDATA, TeledataSrt.POS_DATA): PosData,
    (ServiceType.TELEDATA, TeledataSrt.EXT_POS_DATA): ExtPosData,
    (ServiceType.TELEDATA, TeledataSrt.AD_SENSORS_DATA): AdSensorsData,
    (ServiceType.TELEDATA, TeledataSrt.COUNTERS_DATA): CountersData,
    (ServiceType.TELEDATA, TeledataSrt.STATE_DATA): StateData,
    (ServiceType.TELEDATA, TeledataSrt.STATE_DATA_VENDOR): StateDataSrt21,
    (ServiceType.TELEDATA, TeledataSrt.LOOPIN_DATA): LoopinData,
    (ServiceType.TELEDATA, TeledataSrt.ABS_DIG_SENS_DATA): AbsDigSensData,
    (ServiceType.TELEDATA, TeledataSrt.ABS_AN_SENS_DATA): AbsAnSensData,
    (ServiceType.TELEDATA, TeledataSrt.ABS_CNTR_DATA): AbsCntrData,
    (ServiceType.TELEDATA, TeledataSrt.ABS_LOOPIN_DATA): AbsLoopinData,
    (ServiceType.TELEDATA, TeledataSrt.LIQUID_LEVEL_SENSOR): LiquidLevelSensor,
    (ServiceType.TELEDATA, TeledataSrt.PASSENGERS_COUNTERS): PassengersCounters,
    (ServiceType.COMMANDS, CommandsSrt.RECORD_RESPONSE): RecordResponse,
    (ServiceType.COMMANDS, CommandsSrt.COMMAND_DATA): CommandData,
    (ServiceType.FIRMWARE, FirmwareSrt.RECORD_RESPONSE): RecordResponse,
    (ServiceType.ECALL, EcallSrt.RECORD_RESPONSE): RecordResponse,
    (ServiceType.ECALL, EcallSrt.ACCEL_DATA): AccelData,
}


def test_registry_holds_exactly_the_tables_named_by_the_enums() -> None:
    """Each (service, SRT) pair of the registry is the enum member its table stands for."""
    assert dict(REGISTRY) == EXPECTED


def test_every_table_takes_its_srt_from_an_enum() -> None:
    """No table writes its SRT as a bare number: each is a member of a service's SRT enum."""
    literal = [cls.__name__ for cls in set(REGISTRY.values())
               if not isinstance(cls.SRT, enum.IntEnum)]
    assert literal == []
