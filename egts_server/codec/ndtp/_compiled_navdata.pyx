# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""NAVDATA bodies to Positions in C: ``to_positions.navdata_positions(NavData.decode(body))``
without building the cell values, for the bodies terminals send all day: navigation cells,
internal I/O cells and cells of known size kept raw (the road-machine cell among them); and
``navdata_frame``, the session's answer to a whole NAVDATA frame of that kind.

Anything else (a fuel or CAN cell, a cell type of unknown size, a cell cut short, coordinates
off the globe) gets None, and the session reads the body with the pure functions, which find
the same fixes or raise the error they always did. Keys are the pure module's (``_key``).
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.datetime cimport import_datetime
from cpython.dict cimport PyDict_Update
from libc.stdint cimport int16_t, uint8_t, uint16_t, uint32_t

from egts_server.codec._wire cimport u16, u32, utc_datetime

from types import MappingProxyType

from egts_server.codec.ndtp import to_positions as _pure
from egts_server.codec.ndtp.constants import (
    CELL_SIZES,
    NPH_HEADER_SIZE,
    NPL_HEADER_SIZE,
    CellType,
    NavdataType,
    NphFlags,
    NphResult,
    NplFlags,
    NplType,
    Service,
)
from egts_server.codec.ndtp.responses import ReplyTo, build_result
from egts_server.model import (
    KEY_ACCEL_ENERGY,
    KEY_ALARM,
    KEY_ANALOG,
    KEY_CALL_REQUEST,
    KEY_COUNTER,
    KEY_EXT_VOLTAGE_RAW,
    KEY_FIRST_POWER_ON,
    KEY_GPRS_STATE,
    KEY_GSM_CSQ,
    KEY_INTERNAL_BATTERY_IN_USE,
    KEY_NAV_RECEIVER,
    KEY_NDTP_CELL_RAW,
    KEY_OUTPUTS,
    KEY_PDOP_RAW,
    KEY_SOS,
    KEY_SPEED_MAX,
    KEY_TRACK_M,
    KEY_VOLTAGE_INTERNAL,
    Position,
)

import_datetime()

cdef extern from "Python.h":
    dict _PyDict_NewPresized(Py_ssize_t minused)

cdef object _key = _pure._key
cdef dict _RAW_KEYS = dict(_pure._RAW_KEYS)
cdef object _Position = Position
cdef object _proxy = MappingProxyType
cdef Py_ssize_t _SIZES[256]  # cell type -> payload size; -1 unknown size, -2 read by pure code
cdef uint32_t _MAX_LAT = _pure.MAX_LAT_ABS
cdef uint32_t _MAX_LON = _pure.MAX_LON_ABS
cdef int _NAV = CellType.NAV
cdef int _INT_SENSOR = CellType.INT_SENSOR
cdef uint8_t _ALARM = _pure._ALARM
cdef uint8_t _SOS = _pure._SOS
cdef uint8_t _CALL = _pure._CALL
cdef uint8_t _FIRST_ON = _pure._FIRST_ON
cdef uint8_t _ON_BATTERY = _pure._ON_BATTERY
cdef uint8_t _NORTH = 0x20, _EAST = 0x40, _VALID = 0x80  # NavFlags, as the cells module reads
cdef Py_ssize_t _NPL_SIZE = NPL_HEADER_SIZE, _NPH_SIZE = NPH_HEADER_SIZE
cdef uint32_t _CRC_FLAG = NplFlags.CRC, _NPH = NplType.NPH, _REQUEST = NphFlags.REQUEST
cdef uint32_t _NAVDATA = Service.NAVDATA, _HISTORY = NavdataType.SND_HISTORY
cdef uint32_t _REALTIME = NavdataType.SND_REALTIME
cdef object _ReplyTo = ReplyTo
cdef object _build_result = build_result
cdef object _OK = NphResult.OK
cdef uint16_t _MODBUS[256]  # CRC-16/MODBUS, reflected poly 0xA001, a byte at a time


def _fill_tables() -> None:
    cdef int i, bit
    cdef uint16_t crc
    for cell_type in range(256):
        _SIZES[cell_type] = CELL_SIZES.get(cell_type, -1)
    for cell_type in (CellType.USI, CellType.CAN):
        _SIZES[cell_type] = -2
    for i in range(256):
        crc = <uint16_t>i
        for bit in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        _MODBUS[i] = crc


_fill_tables()


cdef uint16_t _crc16_modbus(const uint8_t* p, Py_ssize_t n) noexcept:
    """``codec.crc.crc16_modbus``: the NPL check sum."""
    cdef uint16_t crc = 0xFFFF
    cdef Py_ssize_t i
    for i in range(n):
        crc = (crc >> 8) ^ _MODBUS[(crc ^ p[i]) & 0xFF]
    return crc


def navdata_frame(bytes frame, device):
    """``Session.handle``'s answer to the usual frame, for a terminal identified as ``device``:
    NAVDATA (realtime or history) with a good CRC, or none asked for, whose body
    ``navdata_positions`` reads. ``(positions, ack)``, the ack None when no reply was asked
    for; None for any other frame, which the session reads itself.
    """
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(frame)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(frame), size
    if n < _NPL_SIZE + _NPH_SIZE or p[0] != 0x7E or p[1] != 0x7E:
        return None
    size = u16(p + 2)
    if n - _NPL_SIZE != size or p[8] != _NPH:
        return None
    if u16(p + 4) & _CRC_FLAG and (
            _crc16_modbus(p + _NPL_SIZE, size) != (p[6] << 8 | p[7])):
        return None
    cdef const uint8_t* nph = p + _NPL_SIZE
    cdef uint32_t packet_type = u16(nph + 2)
    if u16(nph) != _NAVDATA or (packet_type != _HISTORY and packet_type != _REALTIME):
        return None
    positions = navdata_positions(frame[_NPL_SIZE + _NPH_SIZE:], device,
                                  packet_type == _HISTORY)
    if positions is None:
        return None
    if not u16(nph + 4) & _REQUEST:
        return positions, None
    to = _ReplyTo(_NAVDATA, u32(nph + 6), True, u32(p + 9), u16(p + 13))
    return positions, _build_result(to, _OK)


cdef class _Fix:
    """What the cells after one navigation cell add to its fix (``to_positions._Fix``)."""

    cdef Py_ssize_t nav  # where the navigation cell's payload starts in the body
    cdef dict attributes
    cdef object inputs, odometer_m
    cdef dict seen  # (type, number) -> cells of it so far, for the keys' {n}
    cdef int io  # internal I/O cells so far

    def __cinit__(self, Py_ssize_t nav):
        self.nav = nav
        self.attributes = {}
        self.inputs = self.odometer_m = None
        self.seen = {}
        self.io = 0

    cdef int apply(self, bytes body, const uint8_t* p, Py_ssize_t at) except -1:
        """The cell whose header starts at ``at``: internal I/O, or raw bytes."""
        cdef int cell_type = p[at], number = p[at + 1]
        cdef const uint8_t* s = p + at + 2
        if cell_type == _INT_SENSOR:
            return self.internal_io(s)
        key = (cell_type, number)
        count = self.seen.get(key, 0)
        self.seen[key] = count + 1
        n = str(number) if count == 0 else f"{number}_{count + 1}"
        template = _RAW_KEYS.get(cell_type)
        name = (_key(template, n) if template is not None else
                KEY_NDTP_CELL_RAW.format(t=cell_type, n=n))
        self.attributes[name] = body[at + 2 : at + 2 + _SIZES[cell_type]].hex()
        return 0

    cdef int internal_io(self, const uint8_t* s) except -1:
        cdef dict a = self.attributes
        cdef int k = self.io, i
        self.io += 1
        self.inputs = (0 if self.inputs is None else self.inputs) | (<object>s[8]) << (8 * k)
        outputs = a.get(KEY_OUTPUTS, 0)
        a[KEY_OUTPUTS] = (outputs if isinstance(outputs, int) else 0) | (<object>s[9]) << (8 * k)
        for i in range(4):
            a[_key(KEY_ANALOG, 4 * k + 1 + i)] = u16(s + 2 * i)
        for i in range(4):
            a[_key(KEY_COUNTER, 4 * k + 1 + i)] = u16(s + 10 + 2 * i)
        if k == 0:
            self.odometer_m = <double>u32(s + 18)
            a[KEY_GSM_CSQ] = s[22]
            a[KEY_GPRS_STATE] = s[23]
            a[KEY_ACCEL_ENERGY] = s[24]
            a[KEY_EXT_VOLTAGE_RAW] = s[25]
        return 0

    cdef object position(self, const uint8_t* p, object device, bint history):
        cdef const uint8_t* s = p + self.nav
        cdef uint8_t flags = s[12]
        cdef dict attributes = _PyDict_NewPresized(10 + len(self.attributes))
        attributes[KEY_SPEED_MAX] = u16(s + 16)
        attributes[KEY_TRACK_M] = u16(s + 20)
        attributes[KEY_VOLTAGE_INTERNAL] = s[13] * 0.02
        attributes[KEY_INTERNAL_BATTERY_IN_USE] = flags & _ON_BATTERY != 0
        attributes[KEY_ALARM] = flags & _ALARM != 0
        attributes[KEY_SOS] = flags & _SOS != 0
        attributes[KEY_CALL_REQUEST] = flags & _CALL != 0
        attributes[KEY_FIRST_POWER_ON] = flags & _FIRST_ON != 0
        attributes[KEY_PDOP_RAW] = s[25]
        attributes[KEY_NAV_RECEIVER] = p[self.nav - 1]
        PyDict_Update(attributes, self.attributes)
        cdef double latitude = u32(s + 8) / 1e7
        cdef double longitude = u32(s + 4) / 1e7
        return _Position(
            device, utc_datetime(u32(s)),
            latitude if flags & _NORTH else -latitude,
            longitude if flags & _EAST else -longitude,
            flags & _VALID != 0, <double>u16(s + 14), <double>u16(s + 18),
            <double>(<int16_t>u16(s + 22)), s[24], None, self.inputs, self.odometer_m,
            history, False, _proxy(attributes))


def navdata_positions(bytes body, device, bint history):
    """The fixes of a NAVDATA ``body`` of navigation, internal I/O and raw cells, as the pure
    path finds them; None for any other body (see the module docstring)."""
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(body)
    cdef Py_ssize_t at = 0, end = PyBytes_GET_SIZE(body), size
    cdef list fixes = []
    cdef list leading = []  # cells before the first navigation cell: they go to it
    cdef _Fix fix = None  # the latest navigation cell's
    cdef const uint8_t* s
    while at < end:
        size = _SIZES[p[at]]
        if size < 0 or at + 2 + size > end:
            return None
        s = p + at + 2
        if p[at] == _NAV:
            if u32(s + 8) > _MAX_LAT or u32(s + 4) > _MAX_LON:
                return None
            fix = _Fix(at + 2)
            if not fixes:
                for early in leading:
                    fix.apply(body, p, early)
            fixes.append(fix)
        elif fix is not None:
            fix.apply(body, p, at)
        else:
            leading.append(at)
        at += 2 + size
    return tuple([(<_Fix>f).position(p, device, history) for f in fixes])
