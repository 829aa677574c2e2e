"""Tests of ``egts_server.codec.osmand``, mirroring it.

The tests of ``egts_server.codec.osmand.<module>`` are in ``test_<module>.py``.
"""
