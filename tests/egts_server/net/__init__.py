"""Tests of ``egts_server.net``, mirroring it.

The tests of ``egts_server.net.<module>`` are in ``test_<module>.py``.
"""
