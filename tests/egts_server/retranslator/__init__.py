"""Tests of ``egts_server.retranslator``, mirroring it.

The tests of ``egts_server.retranslator.<module>`` are in ``test_<module>.py``.
"""
