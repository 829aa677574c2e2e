"""Tests of ``egts_server.codec.egts``, mirroring it.

The tests of ``egts_server.codec.egts.<module>`` are in ``test_<module>.py``.
"""
