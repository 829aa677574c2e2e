"""Mutation score per module from the last ``mutmut run``, minus the known-equivalent mutants.

Run from the checkout after ``mutmut run`` (``make mutate`` does both)::

    python -m tests.tools.mutation_report [--markdown] [--fail-under 95]

A mutant counts as killed when a test failed, timed out or crashed on it; as surviving when the
tests passed or none reached it. Mutants listed in ``mutation_equivalents.toml`` (a program
that behaves the same, with the reason) are counted apart, so the survivors printed below the
table are the ones a test should kill. An equivalent is matched on its function and its changed
lines, not on mutmut's numbering, which shifts whenever a function is edited.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EQUIVALENTS = Path(__file__).with_name("mutation_equivalents.toml")
CLASS_SEPARATOR = "ǁ"  # how mutmut marks the class in a mangled method name

KILLED_CODES = frozenset({1, 3, 36, 37, -24, 24, 152, 255, -11, -9})  # failed, timeout, crash
SURVIVED_CODES = frozenset({0, 5, 33})  # tests passed, or no test reached the mutant


@dataclass(frozen=True, slots=True)
class Mutation:
    """What a mutant changed: its function and the lines before and after."""

    function: str
    original: str
    mutated: str


@dataclass(slots=True)
class ModuleScore:
    path: str
    module: str = ""
    mutants: int = 0
    killed: int = 0
    equivalent: int = 0
    not_run: int = 0
    survivors: list[tuple[str, Mutation]] = field(default_factory=list)
    matched: set[Mutation] = field(default_factory=set)  # equivalents that matched a survivor

    @property
    def survived(self) -> int:
        return len(self.survivors)

    @property
    def score(self) -> float | None:
        """Killed over all mutants that were run and are not equivalent."""
        judged = self.killed + self.survived
        return 100.0 * self.killed / judged if judged else None


def readable_function(mutant: str) -> str:
    """``pkg.mod.xǁClassǁmethod__mutmut_3`` -> ``pkg.mod.Class.method``."""
    mangled = mutant.partition("__mutmut_")[0]
    module, _, name = mangled.rpartition(".")
    if name.startswith("x" + CLASS_SEPARATOR):
        _, cls, method = name.split(CLASS_SEPARATOR)
        return f"{module}.{cls}.{method}"
    return f"{module}.{name.removeprefix('x_')}"


def mutation_of(mutant: str, path: str) -> Mutation:
    """The changed lines of a mutant, read from the mutated copy mutmut keeps."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(mutant, path=Path(path)).splitlines()
    body = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
    original = "\n".join(line[1:].strip() for line in body if line.startswith("-"))
    mutated = "\n".join(line[1:].strip() for line in body if line.startswith("+"))
    return Mutation(readable_function(mutant), original, mutated)


def load_equivalents(path: Path = EQUIVALENTS) -> set[Mutation]:
    entries = tomllib.loads(path.read_text("utf-8")).get("equivalent", [])
    for entry in entries:
        if not entry.get("reason"):
            raise SystemExit(f"{path}: every equivalent needs a reason: {entry}")
    return {Mutation(e["function"], e["original"].strip(), e["mutated"].strip())
            for e in entries}


def mutated_modules() -> list[str]:
    """The files ``[tool.mutmut] only_mutate`` names, in its order."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    patterns: list[str] = config["only_mutate"]
    found: list[str] = []
    for pattern in patterns:
        matches = sorted(str(p.relative_to(REPO)) for p in REPO.glob("**/*.py")
                         if fnmatch.fnmatch(str(p.relative_to(REPO)), pattern))
        found.extend(m for m in matches if m not in found)
    return found


def score_module(path: str, equivalents: set[Mutation]) -> ModuleScore:
    result = ModuleScore(path, path.removesuffix(".py").replace("/", "."))
    meta = REPO / "mutants" / (path + ".meta")
    if not meta.exists():
        return result
    codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    for mutant, code in sorted(codes.items()):
        result.mutants += 1
        if code in KILLED_CODES:
            result.killed += 1
        elif code in SURVIVED_CODES:
            mutation = mutation_of(mutant, path)
            if mutation in equivalents:
                result.equivalent += 1
                result.matched.add(mutation)
            else:
                result.survivors.append((mutant, mutation))
        else:
            result.not_run += 1
    return result


def format_score(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f} %"


def table(scores: list[ModuleScore], markdown: bool) -> str:
    head = ("module", "mutants", "killed", "equivalent", "survived", "not run", "score")
    rows = [(s.path, str(s.mutants), str(s.killed), str(s.equivalent), str(s.survived),
             str(s.not_run), format_score(s.score)) for s in scores]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        lines += ["| `" + r[0] + "` | " + " | ".join(r[1:]) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True)))
                     for r in [head, *rows])


def survivors_text(scores: list[ModuleScore]) -> str:
    lines: list[str] = []
    for s in scores:
        for mutant, m in s.survivors:
            lines.append(f"{mutant}  ({m.function})")
            lines += [f"    - {line}" for line in m.original.splitlines()]
            lines += [f"    + {line}" for line in m.mutated.splitlines()]
    return "\n".join(lines)


def stale_equivalents(scores: list[ModuleScore], equivalents: set[Mutation]) -> list[Mutation]:
    """Listed equivalents of a fully run module matching none of its survivors: a test
    kills them now or the code changed, so the entry is wrong either way."""
    run = {s.module: s for s in scores if s.mutants and not s.not_run}
    stale = []
    for e in sorted(equivalents, key=lambda e: (e.function, e.original, e.mutated)):
        owner = next((s for m, s in run.items() if e.function.startswith(m + ".")), None)
        if owner is not None and e not in owner.matched:
            stale.append(e)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="the table for README")
    parser.add_argument("--fail-under", type=float, default=None,
                        help="exit 1 when a module that was run scores below this")
    args = parser.parse_args(argv)
    equivalents = load_equivalents()
    scores = [score_module(path, equivalents) for path in mutated_modules()]
    out = [table(scores, args.markdown)]
    survivors = survivors_text(scores)
    if survivors and not args.markdown:
        out += ["", "Surviving mutants (`mutmut show NAME` prints the diff):", survivors]
    stale = stale_equivalents(scores, equivalents)
    if stale and not args.markdown:
        out += ["", f"Listed as equivalent but no longer surviving ({EQUIVALENTS.name}):"]
        out += [f"{e.function}: {e.mutated}" for e in stale]
    sys.stdout.write("\n".join(out) + "\n")
    low = [s.path for s in scores
           if args.fail_under is not None and s.score is not None and s.score < args.fail_under]
    if low:
        sys.stderr.write(f"below {args.fail_under} %: {', '.join(low)}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
