"""Where a command is told to write, checked before it does any work.

A storm report or a coverage recompute can take minutes; finding out only then that the output
folder does not exist wastes them. Each check raises ConfigError naming the option, so the
command stops at once with exit status 2 and one line saying what to fix.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from egts_server.config import ConfigError

__all__ = ["check_output_dir", "check_output_file", "open_output"]


def check_output_file(path: str | None, option: str) -> None:
    """``path`` (None: stdout) can be created or overwritten: its folder exists, is writable."""
    if not path:
        return
    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"{option}: {path} is a folder; give a file name in it")
    folder = target.resolve().parent
    if not folder.is_dir():
        raise ConfigError(f"{option}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists()
                                                    and not os.access(target, os.W_OK)):
        raise ConfigError(f"{option}: no permission to write {path}")


def check_output_dir(path: str, option: str) -> None:
    """``path`` is a writable folder, or can be made one (its nearest existing parent is)."""
    target = Path(path).resolve()
    existing = target
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"{option}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"{option}: no permission to write in {existing}")


def open_output(path: str | None) -> TextIO:
    """The file to write (stdout for None); a refusal by the system is a ConfigError."""
    if not path:
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")  # noqa: SIM115 (the caller closes it)
    except OSError as e:
        raise ConfigError(f"cannot write {path}: {e.strerror}") from e
