"""Tests of ``egts_server.codec.galileosky``, mirroring it.

The tests of ``egts_server.codec.galileosky.<module>`` are in ``test_<module>.py``.
"""
