"""Who may do what, as one pure table over the path segments that Twisted routes on.

The gate decides on the *decoded* segments (``%74erminals`` is ``terminals``), the same ones
the resource tree walks, so no spelling of a path reaches a resource under a weaker rule.
Segments that could mean two things to two parsers (an encoded ``/``, ``.``/``..``, an empty
segment inside the path, ``;`` parameters, a ``%`` left after decoding, control characters)
are refused before any rule is consulted.

Levels: ``ANYONE`` (the public map, public layers, assets, sign-in, health, the NIS intake and
/metrics with their own checks); ``READER`` (any signed-in role, and anonymous visitors too when
``auth.anonymous_read`` is on, as in the embedded demo); ``EDITOR`` (dispatcher or admin, with
a CSRF token); ``ADMIN`` (terminals, the fleet registry, users, the admin pages). A path
with no rule is denied.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final


class Access(enum.IntEnum):
    ANYONE = 0
    READER = 1
    EDITOR = 2
    ADMIN = 3


ROLE_LEVEL: Final = {"auditor": Access.READER, "dispatcher": Access.EDITOR, "admin": Access.ADMIN}
READ_METHODS: Final = frozenset({b"GET", b"HEAD", b"OPTIONS"})


class BadPath(ValueError):
    """A path that must not be routed at all (answered 400 with this message)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """The level a read (GET, HEAD, OPTIONS) and a write (any other method) need.

    ``session`` says whether the resource looks at the signed-in user even where anyone may
    come in (``/api/session``); elsewhere an ``ANYONE`` rule skips the session lookup.
    """

    read: Access
    write: Access
    session: bool = True

    def needed(self, method: bytes) -> Access:
        return self.read if method in READ_METHODS else self.write


PUBLIC: Final = Rule(Access.ANYONE, Access.ANYONE, session=False)
DATA: Final = Rule(Access.READER, Access.EDITOR)
ADMIN: Final = Rule(Access.ADMIN, Access.ADMIN)

# Longest prefix wins; the root rule applies to "/" alone. Every resource the site serves
# has an entry here (a test walks the resource tree against this table).
RULES: Final[dict[tuple[str, ...], Rule]] = {
    (): DATA,  # the live map
    ("editor",): DATA,
    ("coverage",): DATA,
    ("playback",): DATA,
    ("storms",): DATA,
    ("storm",): DATA,  # the storm screen
    ("events",): DATA,
    ("static",): PUBLIC,
    ("gtfs-rt",): PUBLIC,
    ("public",): PUBLIC,  # the city's public map, its data and assets
    ("healthz",): PUBLIC,
    ("metrics",): PUBLIC,  # the resource admits only the configured networks
    ("nis",): PUBLIC,  # HTTP Basic accounts of its own
    ("login",): PUBLIC,
    ("logout",): Rule(Access.ANYONE, Access.ANYONE),
    ("api", "session"): Rule(Access.ANYONE, Access.ANYONE),
    ("api", "vehicles"): DATA,
    ("api", "routes"): DATA,
    ("api", "coverage"): DATA,
    ("api", "acts"): DATA,
    ("api", "evidence"): DATA,
    ("api", "events"): DATA,
    ("api", "alerts"): DATA,
    ("api", "marks"): DATA,
    ("api", "storms"): DATA,
    ("api", "terminals"): ADMIN,
    ("api", "fleet"): ADMIN,
    ("api", "sign-in-throttle"): ADMIN,
    ("api", "users"): ADMIN,
    ("api", "audit"): ADMIN,
    ("admin",): ADMIN,
}

_FORBIDDEN_IN_SEGMENT: Final = frozenset("/;%\\") | frozenset(map(chr, [*range(32), 127]))


def route_segments(decoded: Sequence[bytes]) -> tuple[str, ...]:
    """The segments a rule is looked up by, from Twisted's percent-decoded path segments.

    One trailing empty segment (``/api/routes/``) is dropped; anything ambiguous raises
    ``BadPath`` naming the offending segment.
    """
    segments = list(decoded)
    if segments and segments[-1] == b"":
        segments.pop()
    out: list[str] = []
    for raw in segments:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise BadPath("путь не в UTF-8") from e
        if text in ("", ".", ".."):
            raise BadPath(f"недопустимый сегмент пути: {text!r}")
        bad = next((c for c in text if c in _FORBIDDEN_IN_SEGMENT), None)
        if bad is not None:
            raise BadPath(f"недопустимый символ {bad!r} в сегменте пути {text!r}")
        out.append(text)
    return tuple(out)


def rule_for(segments: tuple[str, ...]) -> Rule | None:
    """The rule of the longest matching prefix; ``None`` (deny) for a path with no rule."""
    if not segments:
        return RULES[()]
    for n in range(len(segments), 0, -1):
        rule = RULES.get(segments[:n])
        if rule is not None:
            return rule
    return None


def allowed(role: str | None, needed: Access, *, anonymous_read: bool) -> bool:
    """Whether a visitor with ``role`` (``None``: not signed in) may pass; unknown roles may
    not pass anything above ``ANYONE``."""
    if needed == Access.ANYONE:
        return True
    if role is None:
        return needed == Access.READER and anonymous_read
    level = ROLE_LEVEL.get(role)
    return level is not None and level >= needed
