# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The EGTS transport layer in C: header and body checks with both CRCs, the record walk and the
acknowledgement, each function the twin of the pure one it is named after.

``frame_length``, ``unpack_header`` and ``check_body`` (``transport``), ``record_spans``
(``records``) and
``build_response`` (``responses``) take the same arguments and return the same values. Only
well-formed input is handled here: whatever is wrong goes to the pure function, which raises
exactly the error it always did, so the reactions cannot differ.
"""

from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdint cimport uint8_t, uint16_t, uint32_t

from egts_server.codec._wire cimport u16, u32

from egts_server.codec.egts import records as _records
from egts_server.codec.egts import responses as _responses
from egts_server.codec.egts import transport as _transport
from egts_server.codec.egts.records import RecordSpan

cdef object _tuple_new = tuple.__new__
cdef object _RecordSpan = RecordSpan
cdef object _pure_frame_length = _transport.frame_length
cdef object _pure_unpack_header = _transport.unpack_header
cdef object _pure_check_body = _transport.check_body
cdef object _pure_record_spans = _records.record_spans
cdef object _pure_build_response = _responses.build_response
cdef object _Counter16 = _responses.Counter16

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


# -- transport ----------------------------------------------------------------------------------


def frame_length(buf):
    """``transport.frame_length``: the length of the frame that starts ``buf``, None while too
    few bytes arrived."""
    cdef const uint8_t* p
    cdef Py_ssize_t n
    if type(buf) is bytearray:
        p, n = <const uint8_t*>PyByteArray_AS_STRING(buf), PyByteArray_GET_SIZE(buf)
    elif type(buf) is bytes:
        p, n = <const uint8_t*>PyBytes_AS_STRING(buf), PyBytes_GET_SIZE(buf)
    else:
        return _pure_frame_length(buf)
    if n < 11:
        return None
    if p[0] != 1 or p[2] >> 6:
        return _pure_frame_length(buf)
    cdef Py_ssize_t hl = p[3]
    if hl != (16 if p[2] & 0x20 else 11):
        return _pure_frame_length(buf)
    if n < hl:
        return None
    cdef Py_ssize_t fdl = u16(p + 5)
    cdef Py_ssize_t size = hl + fdl + (2 if fdl else 0)
    if _crc8(p, hl - 1) != p[hl - 1] or size > 65535:
        return _pure_frame_length(buf)
    return size


def unpack_header(frame):
    """``transport.unpack_header``."""
    if type(frame) is not bytes:
        return _pure_unpack_header(frame)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(frame)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(frame)
    if n < 11 or p[0] != 1 or p[2] >> 6:
        return _pure_unpack_header(frame)
    cdef Py_ssize_t hl = p[3]
    cdef Py_ssize_t fdl = u16(p + 5)
    if hl != (16 if p[2] & 0x20 else 11) or n < hl or _crc8(p, hl - 1) != p[hl - 1] \
            or hl + fdl + (2 if fdl else 0) != n or n > 65535:
        return _pure_unpack_header(frame)
    return (p[0], p[1], p[2], hl, p[4], fdl, u16(p + 7), p[9])


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
        rl = u16(p + start)
        rfl = p[start + 4]
        rd_start = start + 7 + 4 * ((rfl & 1) + (rfl >> 1 & 1) + (rfl >> 2 & 1))
        if rd_start > end or rd_start + rl > end:
            return _pure_record_spans(body, start, end)
        at = start + 5
        oid = evid = tm = None
        if rfl & 0x01:
            oid = u32(p + at)
            at += 4
        if rfl & 0x02:
            evid = u32(p + at)
            at += 4
        if rfl & 0x04:
            tm = u32(p + at)
        spans.append(_tuple_new(_RecordSpan, (
            u16(p + start + 2), rfl, oid, evid, tm, p[rd_start - 2], p[rd_start - 1],
            rd_start, rd_start + rl)))
        start = rd_start + rl
    return spans


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
