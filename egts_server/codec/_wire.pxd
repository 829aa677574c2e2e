"""Little-endian field readers and UTC times for the compiled codecs, inlined where cimported
(a module that uses ``utc_datetime`` calls ``import_datetime()`` first)."""

from cpython.datetime cimport datetime_new, get_utc
from libc.stdint cimport uint8_t, uint32_t


cdef inline uint32_t u16(const uint8_t* p) noexcept:
    return p[0] | (<uint32_t>p[1] << 8)


cdef inline uint32_t u24(const uint8_t* p) noexcept:
    return p[0] | (<uint32_t>p[1] << 8) | (<uint32_t>p[2] << 16)


cdef inline uint32_t u32(const uint8_t* p) noexcept:
    return p[0] | (<uint32_t>p[1] << 8) | (<uint32_t>p[2] << 16) | (<uint32_t>p[3] << 24)


cdef inline object utc_datetime(long long seconds):
    """``datetime.fromtimestamp(seconds, UTC)`` for a non-negative Unix time, without the call:
    the civil date from the day number (H. Hinnant's algorithm), then ``datetime_new``."""
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
                        <int>(rest % 60), 0, get_utc())
