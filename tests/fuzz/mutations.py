"""Mutations of valid packets for the fuzz harnesses' ``--random`` mode (random bytes rarely
get past a framer's first checks, so both harnesses start from real packets)."""

from __future__ import annotations

import random
from collections.abc import Sequence


def mutate(rng: random.Random, data: bytes, seeds: Sequence[bytes]) -> bytes:
    """Up to four edits: flip a byte, cut a run, insert random bytes, glue another packet."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op, at = rng.randrange(4), rng.randrange(len(out) + 1)
        if op == 0 and out:
            out[min(at, len(out) - 1)] ^= rng.randrange(1, 256)
        elif op == 1:
            del out[at : at + rng.randint(1, 8)]
        elif op == 2:
            out[at:at] = rng.randbytes(rng.randint(1, 8))
        else:
            out += rng.choice(seeds)
    return bytes(out)
