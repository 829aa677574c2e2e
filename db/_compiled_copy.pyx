# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The writer's binary COPY stream in C: ``copy_binary.encode_copy``'s twin.

Every field is written straight into one growing buffer, and the attributes' JSON too
(``_compiled_copy_attributes.pxi``, included below): keys, booleans, integers, finite floats and
plain strings are written as json writes them; any other value goes through the same json
encoder as the pure path. A row with anything the pure encoder would treat otherwise (a value
of another type, out of its column's range, text that is not valid UTF-8) makes the whole batch
go through the pure encoder, so bytes and errors come from one place.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.datetime cimport (
    datetime_tzinfo,
    import_datetime,
    PyDateTime_CheckExact,
    PyDateTime_DATE_GET_HOUR,
    PyDateTime_DATE_GET_MICROSECOND,
    PyDateTime_DATE_GET_MINUTE,
    PyDateTime_DATE_GET_SECOND,
    PyDateTime_GET_DAY,
    PyDateTime_GET_MONTH,
    PyDateTime_GET_YEAR,
)
from cpython.float cimport PyFloat_AS_DOUBLE, PyFloat_CheckExact
from cpython.long cimport PyLong_Check, PyLong_CheckExact
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from libc.limits cimport LLONG_MAX, LLONG_MIN
from libc.stdint cimport int64_t, uint64_t
from libc.string cimport memcpy

from datetime import UTC

from db.copy_binary import COLUMNS, PG_EPOCH, SIGNATURE, TRAILER
from db.copy_binary import encode_copy as pure_encode_copy
from egts_server.model import Position

cdef extern from "Python.h":
    int PyFloat_Pack4(double x, char* p, int le) except -1
    int PyFloat_Pack8(double x, char* p, int le) except -1
    long long PyLong_AsLongLongAndOverflow(object value, int* overflow) except? -1
    const char* PyUnicode_AsUTF8AndSize(object text, Py_ssize_t* size) except NULL
    bint PyUnicode_CheckExact(object value)

import_datetime()

cdef type _Position = Position
if Position._fields != ("device", "fix_time", "latitude", "longitude", "valid", "speed_kmh",
                        "course_deg", "altitude_m", "satellites", "hdop", "inputs", "odometer_m",
                        "black_box", "pz90", "attributes"):  # the order ``_row`` reads them in
    raise ImportError("model.Position changed its fields: update _compiled_copy")
cdef object _UTC = UTC
cdef object _pure_encode_copy = pure_encode_copy
cdef short _FIELD_COUNT = len(COLUMNS)
cdef dict _PROTOCOLS = {}  # protocol name -> its length-prefixed UTF-8 text


class _PureTakesIt(Exception):
    """A value the fast path does not write as the pure encoder would."""


cdef struct Buffer:
    char* data
    Py_ssize_t size
    Py_ssize_t capacity


cdef int _reserve(Buffer* out, Py_ssize_t more) except -1:
    cdef Py_ssize_t capacity = out.capacity
    cdef char* grown
    if out.size + more <= capacity:
        return 0
    while capacity < out.size + more:
        capacity *= 2
    grown = <char*>PyMem_Realloc(out.data, capacity)
    if grown == NULL:
        raise MemoryError()
    out.data = grown
    out.capacity = capacity
    return 0


cdef inline void _be16(char* p, uint64_t v) noexcept:
    p[0] = <char>(v >> 8)
    p[1] = <char>v


cdef inline void _be32(char* p, uint64_t v) noexcept:
    p[0] = <char>(v >> 24)
    p[1] = <char>(v >> 16)
    p[2] = <char>(v >> 8)
    p[3] = <char>v


cdef inline void _be64(char* p, uint64_t v) noexcept:
    _be32(p, v >> 32)
    _be32(p + 4, v)


cdef int _raw(Buffer* out, const char* data, Py_ssize_t size) except -1:
    _reserve(out, size)
    memcpy(out.data + out.size, data, size)
    out.size += size
    return 0


cdef int _bytes(Buffer* out, bytes data) except -1:
    return _raw(out, PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))


cdef int _text(Buffer* out, str text) except -1:
    cdef Py_ssize_t size
    cdef const char* utf8 = PyUnicode_AsUTF8AndSize(text, &size)
    return _raw(out, utf8, size)


cdef int64_t _integer(object value, int64_t low, int64_t high) except? -1:
    """What struct packs for an integer column; anything else is the pure encoder's to judge."""
    cdef int overflow = 0
    cdef long long result
    if not PyLong_Check(value):
        raise _PureTakesIt()
    result = PyLong_AsLongLongAndOverflow(value, &overflow)
    if overflow or result < low or result > high:
        raise _PureTakesIt()
    return result


cdef double _real(object value) except? -1.0:
    if PyFloat_CheckExact(value):
        return PyFloat_AS_DOUBLE(value)
    if PyLong_CheckExact(value):
        return <double>value
    raise _PureTakesIt()


cdef int _float4(Buffer* out, object value) except -1:
    _reserve(out, 8)
    _be32(out.data + out.size, 4)
    PyFloat_Pack4(_real(value), out.data + out.size + 4, 0)  # OverflowError as struct's
    out.size += 8
    return 0


cdef int _float8(Buffer* out, object value) except -1:
    _reserve(out, 12)
    _be32(out.data + out.size, 8)
    PyFloat_Pack8(_real(value), out.data + out.size + 4, 0)
    out.size += 12
    return 0


cdef int _int8(Buffer* out, int64_t value) except -1:
    _reserve(out, 12)
    _be32(out.data + out.size, 8)
    _be64(out.data + out.size + 4, <uint64_t>value)
    out.size += 12
    return 0


cdef int _flag(Buffer* out, object value) except -1:
    _reserve(out, 5)
    _be32(out.data + out.size, 1)
    out.data[out.size + 4] = 1 if value else 0
    out.size += 5
    return 0


cdef int _null(Buffer* out) except -1:
    _reserve(out, 4)
    _be32(out.data + out.size, 0xFFFFFFFF)
    out.size += 4
    return 0


cdef int64_t _days(int64_t year, int64_t month, int64_t day) noexcept:
    """Days since 0000-03-01 (H. Hinnant's days_from_civil, shifted)."""
    year -= month <= 2
    cdef int64_t era = year // 400
    cdef int64_t yoe = year - era * 400
    cdef int64_t doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy


cdef int64_t _micros(object when) except? -1:
    """Microseconds since PostgreSQL's epoch, as ``(when - PG_EPOCH) // 1 us`` gives them."""
    if not PyDateTime_CheckExact(when) or datetime_tzinfo(when) is not _UTC:
        raise _PureTakesIt()
    cdef int64_t days = _days(PyDateTime_GET_YEAR(when), PyDateTime_GET_MONTH(when),
                              PyDateTime_GET_DAY(when)) - _EPOCH_DAYS
    return ((days * 86400 + PyDateTime_DATE_GET_HOUR(when) * 3600
             + PyDateTime_DATE_GET_MINUTE(when) * 60 + PyDateTime_DATE_GET_SECOND(when))
            * 1000000 + PyDateTime_DATE_GET_MICROSECOND(when))


if PG_EPOCH.tzinfo is not UTC or PG_EPOCH.time() != PG_EPOCH.min.time():
    raise ImportError("copy_binary.PG_EPOCH is not a UTC midnight: update _compiled_copy._micros")
cdef int64_t _EPOCH_DAYS = _days(PG_EPOCH.year, PG_EPOCH.month, PG_EPOCH.day)


include "_compiled_copy_attributes.pxi"


cdef int _protocol(Buffer* out, object device) except -1:
    name = device.protocol
    cached = _PROTOCOLS.get(name)
    if cached is None:
        if not PyUnicode_CheckExact(name):
            raise _PureTakesIt()
        text = (<str>name).encode()
        cached = len(text).to_bytes(4, "big") + text
        _PROTOCOLS[name] = cached
    return _bytes(out, <bytes>cached)


cdef int _row(Buffer* out, object row) except -1:
    if not isinstance(row, tuple) or PyTuple_GET_SIZE(row) != 4:
        raise _PureTakesIt()
    position = <object>PyTuple_GET_ITEM(row, 3)
    if type(position) is not _Position:
        raise _PureTakesIt()
    _reserve(out, 2)
    _be16(out.data + out.size, <uint64_t>_FIELD_COUNT)
    out.size += 2
    _int8(out, _integer(<object>PyTuple_GET_ITEM(row, 0), LLONG_MIN, LLONG_MAX))
    vehicle = <object>PyTuple_GET_ITEM(row, 1)
    if vehicle is None:
        _null(out)
    else:
        _int8(out, _integer(vehicle, LLONG_MIN, LLONG_MAX))
    _int8(out, _micros(<object>PyTuple_GET_ITEM(position, 1)))
    _int8(out, _micros(<object>PyTuple_GET_ITEM(row, 2)))
    _float8(out, <object>PyTuple_GET_ITEM(position, 2))  # latitude
    _float8(out, <object>PyTuple_GET_ITEM(position, 3))  # longitude
    _flag(out, <object>PyTuple_GET_ITEM(position, 4))  # valid
    _float4(out, <object>PyTuple_GET_ITEM(position, 5))  # speed_kmh
    _float4(out, <object>PyTuple_GET_ITEM(position, 6))  # course_deg
    _optional_float4(out, <object>PyTuple_GET_ITEM(position, 7))  # altitude_m
    satellites = <object>PyTuple_GET_ITEM(position, 8)
    if satellites is None:
        _null(out)
    else:
        _reserve(out, 6)
        _be32(out.data + out.size, 2)
        _be16(out.data + out.size + 4, <uint64_t>_integer(satellites, -32768, 32767))
        out.size += 6
    _optional_float4(out, <object>PyTuple_GET_ITEM(position, 9))  # hdop
    inputs = <object>PyTuple_GET_ITEM(position, 10)
    if inputs is None:
        _null(out)
    else:
        _int8(out, _integer(inputs, LLONG_MIN, LLONG_MAX))
    odometer = <object>PyTuple_GET_ITEM(position, 11)
    if odometer is None:
        _null(out)
    else:
        _float8(out, odometer)
    _flag(out, <object>PyTuple_GET_ITEM(position, 12))  # black_box
    _flag(out, <object>PyTuple_GET_ITEM(position, 13))  # pz90
    _protocol(out, <object>PyTuple_GET_ITEM(position, 0))
    attributes = <object>PyTuple_GET_ITEM(position, 14)
    if attributes:
        _attributes(out, attributes)
    else:
        _raw(out, b"\x00\x00\x00\x03\x01{}", 7)
    return 0


cdef int _optional_float4(Buffer* out, object value) except -1:
    if value is None:
        return _null(out)
    return _float4(out, value)


cdef bytes _encode(object rows):
    cdef Buffer out
    out.capacity = 4096
    out.size = 0
    out.data = <char*>PyMem_Malloc(out.capacity)
    if out.data == NULL:
        raise MemoryError()
    try:
        _bytes(&out, SIGNATURE)
        for row in rows:
            _row(&out, row)
        _bytes(&out, TRAILER)
        return PyBytes_FromStringAndSize(out.data, out.size)
    finally:
        PyMem_Free(out.data)


def encode_copy(rows):
    """The batch as one COPY BINARY stream, byte for byte what ``copy_binary.encode_copy``
    writes (which also writes, or refuses, any batch this one does not take)."""
    try:
        return _encode(rows)
    except Exception:
        return _pure_encode_copy(rows)
