"""Tests of ``db``: the tests of ``db.<module>`` are in ``test_<module>.py``."""
