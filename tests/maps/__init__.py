"""Tests of ``maps``: the tests of ``maps.<module>`` are in ``test_<module>.py``."""
