"""Tests of ``maps.auth``: the tests of ``maps.auth.<module>`` are in ``test_<module>.py``."""
