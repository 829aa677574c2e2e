# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""TELEDATA records to Positions in C: ``to_positions.teledata_positions``'s twin, and the
session's record loop for the usual packet of TELEDATA records only.

Only well-formed subrecords are read here; one that does not fit its table goes through the
pure parser, which raises the error it always did (and an optional one is dropped as the pure
path drops it). Tables without a reader here (LOOPIN_DATA, PASSENGERS_COUNTERS,
RECORD_RESPONSE) are read and folded by the pure functions, one subrecord at a time.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.datetime cimport import_datetime
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t

from egts_server.codec._wire cimport u16, u24, u32, utc_datetime

from dataclasses import MISSING, fields

from egts_server.codec.egts import to_positions as _pure
from egts_server.codec.egts._compiled_framing import build_response, check_body, unpack_header
from egts_server.codec.egts.handled import Handled
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
    object PyType_GenericAlloc(type cls, Py_ssize_t items)  # what Position's tp_alloc is
    int PyObject_GenericSetAttr(object obj, object name, object value) except -1
    dict _PyDict_NewPresized(Py_ssize_t minused)

import_datetime()

cdef type _Position = Position
if Position._fields != _pure.POSITION_FIELDS:  # the order ``_position`` fills them in
    raise ImportError("model.Position changed its fields: update _compiled_teledata._position")
cdef object _CodecError = CodecError
cdef object _build_response = build_response
cdef object _unpack_header = unpack_header
cdef object _check_body = check_body
cdef object _Handled = Handled
cdef object _new_object = object.__new__
cdef tuple _HANDLED_FIELDS = tuple(field.name for field in fields(Handled))
cdef tuple _HANDLED_DEFAULTS = tuple(field.default for field in fields(Handled))
if MISSING in _HANDLED_DEFAULTS:  # ``_handled`` sets every field to its default first
    raise ImportError("Handled has a field without a plain default: update _handled")
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

# -- TELEDATA records -> Positions --------------------------------------------------------------


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
    _item(position, 1, utc_datetime(_EPOCH_SECONDS + pos.nav_time))
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
        if end - at < 3 or at + 3 + u16(p + at + 1) > end:
            positions += _pure.teledata_positions(rd, start, end, rn, device, dropped)  # raises
            return 0
        at += 3 + u16(p + at + 1)

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
        length = u16(p + at + 1)
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
                pos.nav_time, pos.lat_abs, pos.lon_abs = u32(s), u32(s + 4), u32(s + 8)
                pos.flags, pos.word, pos.direction_low = s[12], u16(s + 13), s[15]
                pos.odometer, pos.din, pos.source = u24(s + 16), s[19], s[20]
                pos.has_altitude = s[12] & 0x80 != 0
                if pos.has_altitude:
                    pos.altitude = u24(s + 21)
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
                        attributes[KEY_VDOP] = u16(s + n) / 100.0
                        n += 2
                    if f & 0x02:
                        hdop = u16(s + n) / 100.0
                        n += 2
                    if f & 0x04:
                        attributes[KEY_PDOP] = u16(s + n) / 100.0
                        n += 2
                    if f & 0x08:
                        satellites = s[n]
                        n += 1
                    if f & 0x10:
                        attributes[KEY_NAV_SYSTEMS] = u16(s + n)
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
                        _set(attributes, ANALOG, number + base, u24(s + n))
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
                        _set(attributes, COUNTER, number + base, u24(s + n))
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
                _set(attributes, ANALOG if srt == 24 else COUNTER, s[0], u24(s + 1))
        elif srt == 27:  # LIQUID_LEVEL_SENSOR
            if length < 3 or (not s[0] & 0x08 and length != 7):
                _pure_subrecord(rd, srt, at, stop, attributes, dropped)
            else:
                keys = _LLS_KEYS[s[0] & 0x07]
                attributes[keys[0]] = u16(s + 1)
                attributes[keys[1]] = s[0] & 0x40 != 0
                if s[0] & 0x08:
                    attributes[keys[4]] = rd[at + 3:stop].hex()
                else:
                    attributes[keys[2]] = u32(s + 3)
                    attributes[keys[3]] = _LLS_UNITS[s[0] >> 4 & 0x03]
        else:
            _pure_subrecord(rd, srt, at, stop, attributes, dropped)
        at = stop
    if have_pos:
        positions.append(_position(device, rn, &pos, source_data, attributes, satellites, hdop,
                                   inputs))
    return 0


def plain_teledata(bytes frame, device_for, pids, rns):
    """``Session.handle``'s answer to the usual frame: an APPDATA packet that passes every
    check, whose every record is TELEDATA, has an owner (``device_for(oid)`` is not None) and
    decodes. The ``Handled`` the session would give, its acknowledgement numbered by ``pids``
    and ``rns``; None for any other frame, having taken no number: the session reads it.
    """
    cdef bytes body
    cdef int pid
    try:
        _, _, flags, hl, he, fdl, pid, pt = _unpack_header(frame)
        if pt != 1:  # PT_APPDATA
            return None
        body = _check_body(frame, hl, fdl, he, flags)
    except _CodecError:
        return None
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(body)
    cdef Py_ssize_t start = 0, end = PyBytes_GET_SIZE(body), rd_start, rl
    cdef uint8_t rfl
    cdef list positions = [], confirmations = [], dropped = []
    cdef object oid = None, device = None, device_oid = None
    cdef bint resolved = False
    while start < end:
        if end - start < 7:
            return None
        rl = u16(p + start)
        rfl = p[start + 4]
        rd_start = start + 7 + 4 * ((rfl & 1) + (rfl >> 1 & 1) + (rfl >> 2 & 1))
        if rd_start > end or rd_start + rl > end or p[rd_start - 2] != 2:
            return None
        if rfl & 0x01:  # an OID carries forward to the records after it
            oid = u32(p + start + 5)
        if not resolved or oid != device_oid:
            device, device_oid, resolved = device_for(oid), oid, True
            if device is None:
                return None
        rn = u16(p + start + 2)
        try:
            _teledata(body, rd_start, rd_start + rl, rn, device, dropped, positions)
        except _CodecError:
            return None
        confirmations.append((2, rn, 0))
        start = rd_start + rl
    ack = _build_response(pid=next(pids), rpid=pid, result=0, confirmations=confirmations,
                          rns=rns)
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
