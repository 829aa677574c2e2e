"""The command line every fuzz target shares.

``python tests/fuzz/fuzz_<codec>.py --random N`` runs N random mutations of the target's seeds
through its check (no atheris needed). Anything else goes to atheris (libFuzzer's flags, e.g.
``-max_total_time=600 var/fuzz/<codec>``); the first corpus folder given is filled with the
seeds when it is empty, so coverage-guided runs start from real packets instead of nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def hex_frames(path: Path) -> list[bytes]:
    """The frames of a ``tests/data`` session file: one hex frame a line, ``#`` comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [bytes.fromhex(line) for line in lines if line.strip() and not line.startswith("#")]


def seed_directory(argv: Sequence[str], seeds: Sequence[bytes]) -> None:
    """Write ``seeds`` into the first corpus folder in ``argv`` if it is missing or empty."""
    folders = [Path(a) for a in argv[1:] if not a.startswith("-")]
    if folders and not (folders[0].exists() and any(folders[0].iterdir())):
        folders[0].mkdir(parents=True, exist_ok=True)
        for i, seed in enumerate(seeds):
            (folders[0] / f"seed{i:03d}").write_bytes(seed)


def main(check: Callable[[bytes], None], seeds: Sequence[bytes],
         random_run: Callable[[int], None], argv: list[str] | None = None) -> None:
    argv = sys.argv if argv is None else argv
    if len(argv) >= 3 and argv[1] == "--random":
        random_run(int(argv[2]))
        return
    import atheris

    seed_directory(argv, seeds)
    atheris.instrument_all()  # coverage feedback from the (already imported) pure-Python codec
    atheris.Setup(argv, check)
    atheris.Fuzz()
