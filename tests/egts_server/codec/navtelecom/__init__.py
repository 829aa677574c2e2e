"""Tests of ``egts_server.codec.navtelecom``, mirroring it.

The tests of ``egts_server.codec.navtelecom.<module>`` are in ``test_<module>.py``.
"""
