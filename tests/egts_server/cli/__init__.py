"""Tests of ``egts_server.cli``, mirroring it.

The tests of ``egts_server.cli.<module>`` are in ``test_<module>.py``.
"""
