"""Tests of ``egts_server.simulator``, mirroring it.

The tests of ``egts_server.simulator.<module>`` are in ``test_<module>.py``.
"""
