"""Tests of ``maps.pages``: the tests of ``maps.pages.<module>`` are in ``test_<module>.py``."""
