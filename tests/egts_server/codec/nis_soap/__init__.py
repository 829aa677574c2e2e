"""Tests of ``egts_server.codec.nis_soap``, mirroring it.

The tests of ``egts_server.codec.nis_soap.<module>`` are in ``test_<module>.py``.
"""
