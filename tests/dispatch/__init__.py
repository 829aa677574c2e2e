"""Tests of ``dispatch``: the tests of ``dispatch.<module>`` are in ``test_<module>.py``."""
