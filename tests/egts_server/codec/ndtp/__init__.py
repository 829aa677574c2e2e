"""Tests of ``egts_server.codec.ndtp``, mirroring it.

The tests of ``egts_server.codec.ndtp.<module>`` are in ``test_<module>.py``.
"""
