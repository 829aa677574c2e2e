"""Tests of ``egts_server.codec.wialon``, mirroring it.

The tests of ``egts_server.codec.wialon.<module>`` are in ``test_<module>.py``.
"""
