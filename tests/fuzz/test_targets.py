"""Every codec has a fuzz target in ``make fuzz``, and each target's command line holds on a
short run of mutated seeds (``make fuzz`` runs them coverage-guided, ten minutes each)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz import harness

ROOT = Path(__file__).resolve().parents[2]
RUNS = 150
#: The Makefile's target name of each codec package whose name differs.
TARGET_OF_PACKAGE = {"nis_soap": "nis"}


def makefile_targets() -> list[str]:
    found = re.search(r"^FUZZ_TARGETS := (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found is not None
    return found.group(1).split()


def test_every_codec_package_has_a_fuzz_target() -> None:
    packages = sorted(p.parent.name for p in (ROOT / "egts_server" / "codec").glob("*/__init__.py"))
    assert sorted(TARGET_OF_PACKAGE.get(p, p) for p in packages) == sorted(makefile_targets())


@pytest.mark.parametrize("target", makefile_targets())
def test_target_holds_on_a_short_run(target: str) -> None:
    """The target's command line with a short budget: mutated seeds, only codec errors."""
    script, flags = (("fuzz_ndtp.py", ["--nis"]) if target == "nis"
                     else (f"fuzz_{target}.py", []))
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "fuzz" / script), *flags, "--random", str(RUNS)],
        capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith(f"{RUNS} mutated "), run.stdout


def test_seed_directory_fills_only_an_empty_corpus_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    harness.seed_directory(["fuzz.py", "-max_total_time=1", str(corpus)], [b"a", b"bc"])
    assert sorted(p.read_bytes() for p in corpus.iterdir()) == [b"a", b"bc"]
    harness.seed_directory(["fuzz.py", str(corpus)], [b"other"])
    assert len(list(corpus.iterdir())) == 2  # a grown corpus is kept as it is
