# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The server's per-frame EGTS path in C: the same functions as the pure modules, same results.

Each function here shadows one pure function (``transport.unpack_header``, ``check_body``,
``records.record_spans``, ``to_positions.teledata_positions``, ``responses.build_response``)
and takes its arguments and returns what it returns. Only well-formed input is decoded here:
whatever is wrong (a bad CRC, a short subrecord, a value out of range) is handed to the pure
function, which raises exactly the error it always did, so the reactions cannot differ. Tables
without a fast reader here (LOOPIN_DATA, PASSENGERS_COUNTERS, RECORD_RESPONSE) are read by
their pure parser and folded by the pure fold, one subrecord at a time.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.datetime cimport datetime_new, import_datetime
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t

from dataclasses import fields
from datetime import UTC

from egts_server.codec.egts import records as _records
from egts_server.codec.egts import responses as _responses
from egts_server.codec.egts import to_positions as _pure
from egts_server.codec.egts import transport as _transport
from egts_server.codec.egts.handled import Handled
from egts_server.codec.egts.records import RecordSpan
from egts_server.codec.errors import CodecError
from egts_server.model import (
    INPUTS_IN_MASK,
    KEY_BACKUP_IN_USE,
    KEY_DROPPED_RAW,
    KEY_EVENT_SOURCE,
    KEY_EVENT_SOURCE_DATA,
    KEY_FIX_3D,
    KEY_INTERNAL_BATTERY_IN_USE,
    KEY_MOVING,
    KEY_NAV_MODULE_ON,
    KEY_NAV_SYSTEMS,
    KEY_OUTPUTS,
    KEY_PDOP,
    KEY_RECORD_NUMBER,
    KEY_TERMINAL_STATE,
    KEY_VDOP,
    KEY_VOLTAGE_BACKUP,
    KEY_VOLTAGE_INTERNAL,
    KEY_VOLTAGE_MAIN,
    Position,
)

cdef extern from "Python.h":
    object PyDictProxy_New(object mapping)
    int PyObject_GenericSetAttr(object obj, object name, object value) except -1
    object PyType_GenericAlloc(type cls, Py_ssize_t items)  # what Position's tp_alloc is
    dict _PyDict_NewPresized(Py_ssize_t minused)

import_datetime()

cdef object _tuple_new = tuple.__new__
cdef object _UTC = UTC
cdef type _Position = Position
if Position._fields != _pure.POSITION_FIELDS:  # the order ``_position`` fills them in
    raise ImportError("model.Position changed its fields: update _compiled._position")
cdef object _RecordSpan = RecordSpan
cdef object _CodecError = CodecError
cdef object _Handled = Handled
cdef object _new_object = object.__new__
cdef tuple _HANDLED_FIELDS = tuple(field.name for field in fields(Handled))
cdef tuple _HANDLED_DEFAULTS = tuple(field.default for field in fields(Handled))
# the pure functions: the reference, and the reader of everything not decoded here
cdef object _pure_unpack_header = _transport.unpack_header
cdef object _pure_check_body = _transport.check_body
cdef object _pure_record_spans = _records.record_spans
cdef object _pure_build_response = _responses.build_response
cdef object _Counter16 = _responses.Counter16
cdef tuple _WIRE = _pure._WIRE
cdef frozenset _OPTIONAL = _pure.OPTIONAL_TELEDATA
cdef object _DROPPED_ELEMENTS = _pure.DROPPED_ELEMENTS
# numbered attribute keys ("adc{n}" ...), each formatted once, shared with the pure path: its
# dicts (whose ``__missing__`` formats a new one) and, for the numbers a byte holds, a tuple
cdef enum KeyFamily:
    ANALOG, COUNTER, DIGITAL, LOOP
cdef tuple _KEY_DICTS = (_pure._ANALOG, _pure._COUNTER, _pure._DIGITAL, _pure._LOOP)
cdef tuple _KEY_TUPLES = tuple(tuple(keys[n] for n in range(256)) for keys in _KEY_DICTS)
cdef tuple _LLS_KEYS = _pure._LLS_KEYS
cdef tuple _LLS_UNITS = _pure._LLS_UNITS

cdef int _MASK_BITS = INPUTS_IN_MASK
cdef uint64_t _MASK = (1 << INPUTS_IN_MASK) - 1
cdef long long _EPOCH_SECONDS = _pure._EPOCH_SECONDS
cdef double _SCALE = 4294967295.0

# -- checksums --------------------------------------------------------------------------------

cdef uint8_t _CRC8[256]
cdef uint16_t _CRC16[8][256]  # [k][b]: the CRC-16 of byte b followed by k zero bytes


cdef void _fill_tables() noexcept:
    cdef int i, bit, k
    cdef uint8_t c8
    cdef uint16_t c16
    for i in range(256):
        c8 = <uint8_t>i
        c16 = <uint16_t>(i << 8)
        for bit in range(8):
            c8 = <uint8_t>((c8 << 1) ^ 0x31) if c8 & 0x80 else <uint8_t>(c8 << 1)
            c16 = <uint16_t>((c16 << 1) ^ 0x1021) if c16 & 0x8000 else <uint16_t>(c16 << 1)
        _CRC8[i] = c8
        _CRC16[0][i] = c16
    for k in range(1, 8):
        for i in range(256):
            c16 = _CRC16[k - 1][i]
            _CRC16[k][i] = <uint16_t>((c16 << 8) ^ _CRC16[0][c16 >> 8])


_fill_tables()


cdef inline uint8_t _crc8(const uint8_t* p, Py_ssize_t n) noexcept:
    """EGTS HCS: CRC-8, poly 0x31, init 0xFF."""
    cdef uint8_t crc = 0xFF
    cdef Py_ssize_t i
    for i in range(n):
        crc = _CRC8[crc ^ p[i]]
    return crc


cdef inline uint16_t _crc16(const uint8_t* p, Py_ssize_t n) noexcept:
    """EGTS SFRCS: CRC-16/CCITT-FALSE, poly 0x1021, init 0xFFFF; eight bytes a step."""
    cdef uint16_t crc = 0xFFFF
    cdef Py_ssize_t i = 0
    while n - i >= 8:
        crc = (_CRC16[7][p[i] ^ (crc >> 8)] ^ _CRC16[6][p[i + 1] ^ (crc & 0xFF)]
               ^ _CRC16[5][p[i + 2]] ^ _CRC16[4][p[i + 3]] ^ _CRC16[3][p[i + 4]]
               ^ _CRC16[2][p[i + 5]] ^ _CRC16[1][p[i + 6]] ^ _CRC16[0][p[i + 7]])
        i += 8
    while i < n:
        crc = <uint16_t>((crc << 8) ^ _CRC16[0][(crc >> 8) ^ p[i]])
        i += 1
    return crc


cdef inline uint32_t _u16(const uint8_t* p) noexcept:
    return p[0] | (<uint32_t>p[1] << 8)


cdef inline uint32_t _u24(const uint8_t* p) noexcept:
    return p[0] | (<uint32_t>p[1] << 8) | (<uint32_t>p[2] << 16)


cdef inline uint32_t _u32(const uint8_t* p) noexcept:
    return p[0] | (<uint32_t>p[1] << 8) | (<uint32_t>p[2] << 16) | (<uint32_t>p[3] << 24)


# -- transport ----------------------------------------------------------------------------------


def unpack_header(frame):
    """``transport.unpack_header``."""
    if type(frame) is not bytes:
        return _pure_unpack_header(frame)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(frame)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(frame)
    if n < 11 or p[0] != 1 or p[2] >> 6:
        return _pure_unpack_header(frame)
    cdef Py_ssize_t hl = p[3]
    cdef Py_ssize_t fdl = _u16(p + 5)
    if hl != (16 if p[2] & 0x20 else 11) or n < hl or _crc8(p, hl - 1) != p[hl - 1] \
            or hl + fdl + (2 if fdl else 0) != n or n > 65535:
        return _pure_unpack_header(frame)
    return (p[0], p[1], p[2], hl, p[4], fdl, _u16(p + 7), p[9])


def check_body(frame, Py_ssize_t hl, Py_ssize_t fdl, int he, int flags):
    """``transport.check_body``."""
    if type(frame) is not bytes or he != 0 or flags & 0x1C:
        return _pure_check_body(frame, hl, fdl, he, flags)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(frame)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(frame)
    if hl < 0 or fdl < 0 or hl + fdl > n:
        return _pure_check_body(frame, hl, fdl, he, flags)
    if fdl and (n < 2 or _crc16(p + hl, fdl) != (p[n - 2] | (<uint32_t>p[n - 1] << 8))):
        return _pure_check_body(frame, hl, fdl, he, flags)
    return PyBytes_FromStringAndSize(<const char*>p + hl, fdl)


# -- records ------------------------------------------------------------------------------------


def record_spans(body, Py_ssize_t start, Py_ssize_t end):
    """``records.record_spans``."""
    if type(body) is not bytes or start < 0 or end > PyBytes_GET_SIZE(body):
        return _pure_record_spans(body, start, end)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(body)
    cdef list spans = []
    cdef Py_ssize_t at, rd_start, rl
    cdef uint8_t rfl
    cdef object oid, evid, tm
    while start < end:
        if end - start < 7:
            return _pure_record_spans(body, start, end)
        rl = _u16(p + start)
        rfl = p[start + 4]
        rd_start = start + 7 + 4 * ((rfl & 1) + (rfl >> 1 & 1) + (rfl >> 2 & 1))
        if rd_start > end or rd_start + rl > end:
            return _pure_record_spans(body, start, end)
        at = start + 5
        oid = evid = tm = None
        if rfl & 0x01:
            oid = _u32(p + at)
            at += 4
        if rfl & 0x02:
            evid = _u32(p + at)
            at += 4
        if rfl & 0x04:
            tm = _u32(p + at)
        spans.append(_tuple_new(_RecordSpan, (
            _u16(p + start + 2), rfl, oid, evid, tm, p[rd_start - 2], p[rd_start - 1],
            rd_start, rd_start + rl)))
        start = rd_start + rl
    return spans


# -- TELEDATA records -> Positions --------------------------------------------------------------


cdef inline object _fix_time(long long seconds):
    """``datetime.fromtimestamp(seconds, UTC)`` for a non-negative Unix time."""
    cdef long long days = seconds // 86400
    cdef long long rest = seconds - days * 86400
    cdef long long z = days + 719468
    cdef long long era = z // 146097
    cdef long long doe = z - era * 146097
    cdef long long yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    cdef long long doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    cdef long long mp = (5 * doy + 2) // 153
    cdef int day = <int>(doy - (153 * mp + 2) // 5 + 1)
    cdef int month = <int>(mp + 3 if mp < 10 else mp - 9)
    cdef int year = <int>(yoe + era * 400 + (1 if month <= 2 else 0))
    return datetime_new(year, month, day, <int>(rest // 3600), <int>(rest // 60 % 60),
                        <int>(rest % 60), 0, _UTC)


cdef struct PosFix:
    uint32_t nav_time, lat_abs, lon_abs, odometer, altitude
    uint8_t flags, direction_low, din, source
    uint16_t word
    bint has_altitude


cdef object _position(object device, object rn, PosFix* pos, object source_data,
                      dict attributes, object satellites, object hdop, uint64_t inputs):
    """``to_positions._position`` for the POS_DATA in ``pos``."""
    cdef uint8_t flags = pos.flags
    attributes[KEY_EVENT_SOURCE] = pos.source
    attributes[KEY_MOVING] = flags & 0x10 != 0
    attributes[KEY_FIX_3D] = flags & 0x02 != 0
    attributes[KEY_RECORD_NUMBER] = rn
    if source_data:
        attributes[KEY_EVENT_SOURCE_DATA] = source_data.hex()
    cdef double latitude = <double>(<uint64_t>pos.lat_abs * 90) / _SCALE
    cdef double longitude = <double>(<uint64_t>pos.lon_abs * 180) / _SCALE
    cdef object altitude = None
    if pos.has_altitude:
        altitude = <double>(-<long long>pos.altitude if pos.word & 0x4000 else pos.altitude)
    cdef object position = PyType_GenericAlloc(_Position, 15)  # tuple.__new__'s way, no call
    _item(position, 0, device)
    _item(position, 1, _fix_time(_EPOCH_SECONDS + pos.nav_time))
    _item(position, 2, -latitude if flags & 0x20 else latitude)
    _item(position, 3, -longitude if flags & 0x40 else longitude)
    _item(position, 4, flags & 0x01 != 0)
    _item(position, 5, (pos.word & 0x3FFF) / 10.0)
    _item(position, 6, <double>(pos.direction_low | (pos.word >> 7 & 0x100)))
    _item(position, 7, altitude)
    _item(position, 8, satellites)
    _item(position, 9, hdop)
    _item(position, 10, pos.din | inputs)
    _item(position, 11, pos.odometer * 100.0)
    _item(position, 12, flags & 0x08 != 0)
    _item(position, 13, flags & 0x04 != 0)
    _item(position, 14, PyDictProxy_New(attributes))
    return position


cdef inline void _item(object position, Py_ssize_t index, object value):
    """Item ``index`` of a Position being filled (the tuple keeps its own reference)."""
    Py_INCREF(value)
    PyTuple_SET_ITEM(position, index, value)


cdef bint _pure_subrecord(object rd, int srt, Py_ssize_t at, Py_ssize_t stop, dict attributes,
                          object dropped) except -1:
    """One subrecord through its pure parser and fold, as ``teledata_positions`` reads it;
    for a table read here, only when it does not fit (so that the pure parser raises)."""
    table = _WIRE[srt]
    if table is None:
        return 0
    unpack, fold = table
    try:
        values = unpack(rd, at, stop)
    except _CodecError:
        if srt not in _OPTIONAL:
            raise
        element = _DROPPED_ELEMENTS[srt]
        attributes[KEY_DROPPED_RAW.format(element=element)] = rd[at:stop].hex()
        if dropped is not None:
            dropped.append(element)
        return 0
    if fold is None:
        raise RuntimeError(f"SRT {srt}: the pure parser took what the compiled one refused")
    fold(attributes, values)
    return 0


cdef inline bint _set(dict attributes, KeyFamily family, long n, object value) except -1:
    """``attributes[<family's key of n>] = value``."""
    if 0 <= n < 256:
        attributes[(<tuple>_KEY_TUPLES[family])[n]] = value
    else:
        attributes[_KEY_DICTS[family][n]] = value
    return 0


cdef int _bits(uint8_t mask) noexcept:
    cdef int count = 0
    while mask:
        count += mask & 1
        mask >>= 1
    return count


def teledata_positions(rd, Py_ssize_t start, Py_ssize_t end, rn, device, dropped=None):
    """``to_positions.teledata_positions``."""
    if type(rd) is not bytes:
        rd = bytes(rd)
    if start < 0 or end > PyBytes_GET_SIZE(rd):
        return _pure.teledata_positions(rd, start, end, rn, device, dropped)
    cdef list positions = []
    _teledata(rd, start, end, rn, device, dropped, positions)
    return positions


cdef int _teledata(bytes rd, Py_ssize_t start, Py_ssize_t end, object rn, object device,
                   object dropped, list positions) except -1:
    """``teledata_positions`` of a record whose RD lies within ``rd``, added to ``positions``."""
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(rd)
    cdef Py_ssize_t at = start, stop, n, subrecords = 0
    while at < end:  # every subrecord header and SRL first, as the pure walk checks them
        subrecords += 1
        if end - at < 3 or at + 3 + _u16(p + at + 1) > end:
            positions += _pure.teledata_positions(rd, start, end, rn, device, dropped)  # raises
            return 0
        at += 3 + _u16(p + at + 1)

    cdef PosFix pos
    cdef bint have_pos = False
    cdef object source_data = b""
    # room for the attributes a fix usually gets: its own four, three or so per subrecord
    cdef Py_ssize_t room = min(4 + 3 * subrecords, 64)
    cdef dict attributes = _PyDict_NewPresized(room)
    cdef object satellites = None, hdop = None
    cdef uint64_t inputs = 0
    cdef int ad_blocks = 0, counter_blocks = 0, srt, number, shift, bit, base
    cdef uint8_t f, octet, digital, analog
    cdef const uint8_t* s
    cdef Py_ssize_t length, need
    at = start
    while at < end:
        srt = p[at]
        length = _u16(p + at + 1)
        at += 3
        stop = at + length
        s = p + at
        if srt == 16:  # POS_DATA
            need = 21 + (3 if length >= 21 and s[12] & 0x80 else 0)
            if length < need:
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                if have_pos:  # the previous fix has all its sensors
                    positions.append(_position(device, rn, &pos, source_data, attributes,
                                               satellites, hdop, inputs))
                    attributes, satellites, hdop = _PyDict_NewPresized(room), None, None
                    inputs = 0
                    ad_blocks = counter_blocks = 0
                have_pos = True
                pos.nav_time, pos.lat_abs, pos.lon_abs = _u32(s), _u32(s + 4), _u32(s + 8)
                pos.flags, pos.word, pos.direction_low = s[12], _u16(s + 13), s[15]
                pos.odometer, pos.din, pos.source = _u24(s + 16), s[19], s[20]
                pos.has_altitude = s[12] & 0x80 != 0
                if pos.has_altitude:
                    pos.altitude = _u24(s + 21)
                source_data = rd[at + need:stop] if need < length else b""
        elif srt == 17:  # EXT_POS_DATA
            if length < 1:
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                f = s[0]
                need = 1 + 2 * ((f & 1) + (f >> 1 & 1) + (f >> 2 & 1)) + (f >> 3 & 1) \
                    + 2 * (f >> 4 & 1)
                if length != need:
                    _pure_subrecord(rd, srt, at, stop, attributes, dropped)
                else:
                    n = 1  # the flagged fields in wire order, which is also the pure fold's
                    if f & 0x01:
                        attributes[KEY_VDOP] = _u16(s + n) / 100.0
                        n += 2
                    if f & 0x02:
                        hdop = _u16(s + n) / 100.0
                        n += 2
                    if f & 0x04:
                        attributes[KEY_PDOP] = _u16(s + n) / 100.0
                        n += 2
                    if f & 0x08:
                        satellites = s[n]
                        n += 1
                    if f & 0x10:
                        attributes[KEY_NAV_SYSTEMS] = _u16(s + n)
        elif srt == 18:  # AD_SENSORS_DATA
            if length < 3 or length != 3 + _bits(s[0]) + 3 * _bits(s[2]):
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                digital, analog = s[0], s[2]
                base = 8 * ad_blocks
                n = 3
                for number in range(1, 9):
                    if digital >> (number - 1) & 1:
                        octet = s[n]
                        n += 1
                        shift = 8 * (number + base)
                        if shift < _MASK_BITS:
                            inputs |= (<uint64_t>octet << shift) & _MASK
                        for bit in range(max(0, _MASK_BITS - shift), 8):
                            _set(attributes, DIGITAL, shift + bit + 1, octet >> bit & 1)
                for number in range(1, 9):
                    if analog >> (number - 1) & 1:
                        _set(attributes, ANALOG, number + base, _u24(s + n))
                        n += 3
                attributes[KEY_OUTPUTS] = s[1]
                ad_blocks += 1
        elif srt == 19:  # COUNTERS_DATA
            if length < 1 or length != 1 + 3 * _bits(s[0]):
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                base = 8 * counter_blocks
                n = 1
                for number in range(1, 9):
                    if s[0] >> (number - 1) & 1:
                        _set(attributes, COUNTER, number + base, _u24(s + n))
                        n += 3
                counter_blocks += 1
        elif srt == 20 or srt == 21:  # STATE_DATA, and its vendor twin
            if length != 5:
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                attributes[KEY_TERMINAL_STATE] = s[0]
                attributes[KEY_VOLTAGE_MAIN] = s[1] / 10.0
                attributes[KEY_VOLTAGE_BACKUP] = s[2] / 10.0
                attributes[KEY_VOLTAGE_INTERNAL] = s[3] / 10.0
                attributes[KEY_NAV_MODULE_ON] = s[4] & 0x04 != 0
                attributes[KEY_BACKUP_IN_USE] = s[4] & 0x02 != 0
                attributes[KEY_INTERNAL_BATTERY_IN_USE] = s[4] & 0x01 != 0
        elif srt == 23 or srt == 26:  # ABS_DIG_SENS_DATA, ABS_LOOPIN_DATA
            if length != 2:
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                _set(attributes, DIGITAL if srt == 23 else LOOP, s[1] << 4 | s[0] >> 4,
                     s[0] & 0x0F)
        elif srt == 24 or srt == 25:  # ABS_AN_SENS_DATA, ABS_CNTR_DATA
            if length != 4:
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                _set(attributes, ANALOG if srt == 24 else COUNTER, s[0], _u24(s + 1))
        elif srt == 27:  # LIQUID_LEVEL_SENSOR
            if length < 3 or (not s[0] & 0x08 and length != 7):
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                keys = _LLS_KEYS[s[0] & 0x07]
                attributes[keys[0]] = _u16(s + 1)
                attributes[keys[1]] = s[0] & 0x40 != 0
                if s[0] & 0x08:
                    attributes[keys[4]] = rd[at + 3:stop].hex()
                else:
                    attributes[keys[2]] = _u32(s + 3)
                    attributes[keys[3]] = _LLS_UNITS[s[0] >> 4 & 0x03]
        else:
            _pure_subrecord(rd, srt, at, stop, attributes, dropped)
        at = stop
    if have_pos:
        positions.append(_position(device, rn, &pos, source_data, attributes, satellites, hdop,
                                   inputs))
    return 0


def plain_teledata(bytes body, int pid, device_for, pids, rns):
    """``Session``'s answer to the usual packet (PID ``pid``, SFRD ``body``), whose every record
    is TELEDATA, has an owner (``device_for(oid)`` is not None) and decodes: the ``Handled``
    its record loop would give, the acknowledgement numbered by ``pids`` and ``rns``. None for
    any other packet, having taken no number; the session's own loop reads it.
    """
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(body)
    cdef Py_ssize_t start = 0, end = PyBytes_GET_SIZE(body), rd_start, rl
    cdef uint8_t rfl
    cdef list positions = [], confirmations = [], dropped = []
    cdef object oid = None, device = None, device_oid = None
    cdef bint resolved = False
    while start < end:
        if end - start < 7:
            return None
        rl = _u16(p + start)
        rfl = p[start + 4]
        rd_start = start + 7 + 4 * ((rfl & 1) + (rfl >> 1 & 1) + (rfl >> 2 & 1))
        if rd_start > end or rd_start + rl > end or p[rd_start - 2] != 2:
            return None
        if rfl & 0x01:  # an OID carries forward to the records after it
            oid = _u32(p + start + 5)
        if not resolved or oid != device_oid:
            device, device_oid, resolved = device_for(oid), oid, True
            if device is None:
                return None
        rn = _u16(p + start + 2)
        try:
            _teledata(body, rd_start, rd_start + rl, rn, device, dropped, positions)
        except _CodecError:
            return None
        confirmations.append((2, rn, 0))
        start = rd_start + rl
    services = [2] if confirmations else []
    ack = _response(next(pids), pid, 0, confirmations, services, rns)
    return _handled(tuple(positions), ack, tuple(confirmations), tuple(dropped))


cdef object _handled(tuple positions, bytes ack, tuple confirmed, tuple dropped):
    """``Handled(positions=..., ack=..., confirmed=..., dropped=...)`` without its ``__init__``,
    which spends an ``object.__setattr__`` call per field: every field set in C."""
    cdef object handled = _new_object(_Handled)
    cdef Py_ssize_t i
    for i in range(len(_HANDLED_FIELDS)):
        PyObject_GenericSetAttr(handled, _HANDLED_FIELDS[i], _HANDLED_DEFAULTS[i])
    PyObject_GenericSetAttr(handled, "positions", positions)
    PyObject_GenericSetAttr(handled, "ack", ack)
    PyObject_GenericSetAttr(handled, "confirmed", confirmed)
    PyObject_GenericSetAttr(handled, "dropped", dropped)
    return handled


# -- the acknowledgement ------------------------------------------------------------------------


def build_response(*, pid, rpid, result, confirmations=(), rns=None):
    """``responses.build_response``."""
    cdef list triples = confirmations if type(confirmations) is list else list(confirmations)
    cdef Py_ssize_t count = len(triples)
    cdef list services = []  # distinct SSTs in order of first appearance
    for triple in triples:
        service, rn, rst = triple
        if not (0 <= service <= 0xFF and 0 <= rn <= 0xFFFF and 0 <= rst <= 0xFF):
            break
        if service not in services:
            services.append(service)
    else:
        if 0 <= pid <= 0xFFFF and 0 <= rpid <= 0xFFFF and 0 <= result <= 0xFF \
                and 11 + 3 + 7 * len(services) + 6 * count + 2 <= 65535:
            return _response(pid, rpid, result, triples, services, rns)
    return _pure_build_response(pid=pid, rpid=rpid, result=result, confirmations=triples,
                                rns=rns)


cdef bytes _response(int pid, int rpid, int result, list triples, list services, object rns):
    cdef Py_ssize_t count = len(triples)
    cdef Py_ssize_t fdl = 3 + 7 * len(services) + 6 * count
    cdef bytes packet = PyBytes_FromStringAndSize(NULL, 11 + fdl + 2)
    cdef uint8_t* out = <uint8_t*>PyBytes_AS_STRING(packet)
    cdef uint8_t* body = out + 11
    cdef Py_ssize_t at = 3, sdr, i
    cdef int service, rl, rn, rst, record_number
    out[0], out[1], out[2], out[3], out[4] = 1, 0, 0, 11, 0
    out[5], out[6], out[7], out[8], out[9] = fdl & 0xFF, fdl >> 8, pid & 0xFF, pid >> 8, 0
    out[10] = _crc8(out, 10)
    body[0], body[1], body[2] = rpid & 0xFF, rpid >> 8, result
    if services and rns is None:
        rns = _Counter16()
    for wanted in services:
        service = wanted
        sdr = at
        at += 7
        for i in range(count):
            triple = triples[i]
            if triple[0] == service:
                rn, rst = triple[1], triple[2]
                body[at], body[at + 1], body[at + 2] = 0, 3, 0
                body[at + 3], body[at + 4], body[at + 5] = rn & 0xFF, rn >> 8, rst
                at += 6
        rl = <int>(at - sdr - 7)
        record_number = next(rns)
        body[sdr], body[sdr + 1] = rl & 0xFF, rl >> 8
        body[sdr + 2], body[sdr + 3] = record_number & 0xFF, record_number >> 8
        body[sdr + 4], body[sdr + 5], body[sdr + 6] = 0, service, service
    cdef uint16_t crc = _crc16(body, fdl)
    body[fdl], body[fdl + 1] = crc & 0xFF, crc >> 8
    return packet
