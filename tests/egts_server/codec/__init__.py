"""Tests of ``egts_server.codec``, mirroring it.

The tests of ``egts_server.codec.<module>`` are in ``test_<module>.py``.
"""
