"""Tests of ``egts_server.codec.wialonretr``, mirroring it.

The tests of ``egts_server.codec.wialonretr.<module>`` are in ``test_<module>.py``.
"""
