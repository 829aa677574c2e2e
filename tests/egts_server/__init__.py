"""Tests of ``egts_server``: the tests of ``egts_server.<module>`` are in ``test_<module>.py``."""
