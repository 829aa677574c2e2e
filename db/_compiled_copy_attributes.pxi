# The attributes column of ``_compiled_copy``, included there so that it is the same extension
# module and the row loop calls straight into it: jsonb version 1 followed by the JSON text that
# ``copy_binary.attributes_json`` writes. Keys, booleans, integers, finite floats and plain
# strings are written here as json writes them with ``ensure_ascii=False``; any other value goes
# through the pure path's json encoder. Uses the module's ``Buffer`` writers and
# ``_PureTakesIt``.

from cpython.dict cimport PyDict_CheckExact, PyDict_Next
from cpython.float cimport PyFloat_Check
from cpython.object cimport PyObject
from libc.math cimport isfinite
from libc.stdint cimport uint8_t

from json.encoder import encode_basestring

from db.copy_binary import JSON_ENCODE

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object text)
    char* PyOS_double_to_string(double value, char code, int precision, int flags, int* kind) \
        except NULL
    int Py_DTSF_ADD_DOT_0

cdef object _json_encode = JSON_ENCODE
cdef object _encode_basestring = encode_basestring

#: UTF-8 ``"key":`` per attribute key; keys come from the terminals, so it is bounded
cdef dict _KEYS = {}
cdef Py_ssize_t _MAX_KEYS = 4096


cdef int _json_text(Buffer* out, str text) except -1:
    """A string as json writes it with ``ensure_ascii=False``."""
    cdef Py_ssize_t size, i
    cdef const char* utf8
    cdef uint8_t c
    if PyUnicode_IS_ASCII(text):
        utf8 = PyUnicode_AsUTF8AndSize(text, &size)
        for i in range(size):
            c = <uint8_t>utf8[i]
            if c < 0x20 or c == 0x22 or c == 0x5C:
                break
        else:
            _reserve(out, size + 2)
            out.data[out.size] = b'"'
            memcpy(out.data + out.size + 1, utf8, size)
            out.data[out.size + size + 1] = b'"'
            out.size += size + 2
            return 0
    return _text(out, _encode_basestring(text))


cdef int _key(Buffer* out, object key) except -1:
    cdef Buffer scratch
    cached = _KEYS.get(key)
    if cached is not None:
        return _bytes(out, <bytes>cached)
    if not PyUnicode_CheckExact(key):
        raise _PureTakesIt()
    scratch.data = <char*>PyMem_Malloc(64)
    if scratch.data == NULL:
        raise MemoryError()
    scratch.size = 0
    scratch.capacity = 64
    try:
        _json_text(&scratch, key)
        _raw(&scratch, b":", 1)
        written = PyBytes_FromStringAndSize(scratch.data, scratch.size)
    finally:
        PyMem_Free(scratch.data)
    if len(_KEYS) < _MAX_KEYS:
        _KEYS[key] = written
    return _bytes(out, written)


cdef int _value(Buffer* out, object value) except -1:
    cdef char digits[24]
    cdef char* text
    cdef long long number
    cdef int overflow = 0
    cdef Py_ssize_t size
    if value is True:
        return _raw(out, b"true", 4)
    if value is False:
        return _raw(out, b"false", 5)
    if PyLong_CheckExact(value):
        number = PyLong_AsLongLongAndOverflow(value, &overflow)
        if not overflow:
            size = _decimal(digits, number)
            return _raw(out, digits + 24 - size, size)
        return _text(out, int.__repr__(value))
    if PyLong_Check(value):
        return _text(out, int.__repr__(value))
    if PyFloat_Check(value) and isfinite(PyFloat_AS_DOUBLE(value)):
        text = PyOS_double_to_string(PyFloat_AS_DOUBLE(value), b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
        try:
            size = 0
            while text[size]:
                size += 1
            _raw(out, text, size)
        finally:
            PyMem_Free(text)
        return 0
    if PyUnicode_CheckExact(value):
        return _json_text(out, value)
    return _text(out, _json_encode(value))


cdef Py_ssize_t _decimal(char* digits, long long number) noexcept:
    """``number`` in decimal at the end of the 24 bytes of ``digits``; returns its length."""
    cdef uint64_t magnitude = <uint64_t>number if number >= 0 else <uint64_t>0 - <uint64_t>number
    cdef Py_ssize_t at = 24
    while True:
        at -= 1
        digits[at] = <char>(48 + magnitude % 10)
        magnitude //= 10
        if magnitude == 0:
            break
    if number < 0:
        at -= 1
        digits[at] = b'-'
    return 24 - at


cdef int _attributes(Buffer* out, object attributes) except -1:
    """The jsonb field: length, version 1, then what ``copy_binary.attributes_json`` writes."""
    cdef Py_ssize_t start = out.size
    cdef Py_ssize_t position = 0
    cdef PyObject* key
    cdef PyObject* value
    cdef bint first = True
    _reserve(out, 6)
    out.size += 4
    out.data[out.size] = 1
    out.data[out.size + 1] = b'{'
    out.size += 2
    if PyDict_CheckExact(attributes):
        while PyDict_Next(attributes, &position, &key, &value):
            if not first:
                _raw(out, b",", 1)
            first = False
            _key(out, <object>key)
            _value(out, <object>value)
    else:
        for item_key, item_value in attributes.items():
            if not first:
                _raw(out, b",", 1)
            first = False
            _key(out, item_key)
            _value(out, item_value)
    _raw(out, b"}", 1)
    _be32(out.data + start, <uint64_t>(out.size - start - 4))
    return 0
