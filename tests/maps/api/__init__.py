"""Tests of ``maps.api``: the tests of ``maps.api.<module>`` are in ``test_<module>.py``."""
