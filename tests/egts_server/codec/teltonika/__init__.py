"""Tests of ``egts_server.codec.teltonika``, mirroring it.

The tests of ``egts_server.codec.teltonika.<module>`` are in ``test_<module>.py``.
"""
