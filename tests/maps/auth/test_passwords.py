"""Password hashing: salted scrypt in a text form that names its own parameters."""

from __future__ import annotations

import base64
import hashlib

from maps.auth.passwords import N, P, R, hash_password, verify_password

SALT = bytes(range(16))


def test_password_hash_verifies_only_the_same_password() -> None:
    """scrypt hashes are salted, verify the right password and refuse others and garbage."""
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second and first.startswith("scrypt$")
    assert verify_password("correct horse", first)
    assert not verify_password("correct horsE", first)
    assert not verify_password("x", "not-a-hash")
    assert not verify_password("correct horse", "bcrypt" + first[6:])


def test_the_stored_form_names_the_parameters_and_the_salt() -> None:
    stored = hash_password("correct horse", salt=SALT)
    digest = hashlib.scrypt(b"correct horse", salt=SALT, n=N, r=R, p=P, dklen=32,
                            maxmem=64 * 1024 * 1024)
    assert stored == (f"scrypt${N}${R}${P}$AAECAwQFBgcICQoLDA0ODw=="
                      f"${base64.b64encode(digest).decode()}")


def test_a_hash_made_with_other_parameters_still_verifies() -> None:
    """Raising the cost later must not lock out the users whose hashes used the old one."""
    digest = hashlib.scrypt("пароль-2026".encode(), salt=SALT, n=1024, r=4, p=2, dklen=16)
    stored = (f"scrypt$1024$4$2${base64.b64encode(SALT).decode()}"
              f"${base64.b64encode(digest).decode()}")
    assert verify_password("пароль-2026", stored)
    assert not verify_password("пароль-2027", stored)


def test_a_malformed_stored_hash_never_matches() -> None:
    good = hash_password("correct horse", salt=SALT)
    scheme, n, r, p, salt_b64, digest_b64 = good.split("$")
    for broken in (f"argon2${n}${r}${p}${salt_b64}${digest_b64}",  # only scrypt is ours
                   f"{scheme}$many${r}${p}${salt_b64}${digest_b64}",
                   f"{scheme}${n}${r}${p}${salt_b64}$!!!",
                   f"{scheme}${n}${r}${p}${salt_b64}",
                   ""):
        assert not verify_password("correct horse", broken), broken
