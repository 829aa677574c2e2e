"""The access table and password hashing."""

from __future__ import annotations

import pytest

from maps.access import Access, allowed, required_access
from maps.passwords import hash_password, verify_password


@pytest.mark.parametrize(("method", "path", "level"), [
    (b"GET", "/static/vendor/leaflet/dist/leaflet.js", Access.ANYONE),
    (b"POST", "/login", Access.ANYONE),
    (b"POST", "/nis", Access.ANYONE),
    (b"GET", "/public/index.html", Access.ANYONE),
    (b"GET", "/", Access.READER),
    (b"GET", "/api/vehicles", Access.READER),
    (b"POST", "/api/routes", Access.EDITOR),
    (b"DELETE", "/api/marks/3", Access.EDITOR),
    (b"GET", "/api/terminals", Access.ADMIN),
    (b"GET", "/gtfs-rt/vehicle-positions.pb", Access.ANYONE),
    (b"GET", "/admin/delivery", Access.ADMIN),
])
def test_paths_map_to_levels(method: bytes, path: str, level: Access) -> None:
    """Each kind of path needs the level the access policy documents."""
    assert required_access(method, path) == level


def test_roles_against_levels() -> None:
    """Auditors read, dispatchers write, admins administer; anonymous reads only when allowed."""
    assert allowed("auditor", Access.READER, anonymous_read=False)
    assert not allowed("auditor", Access.EDITOR, anonymous_read=False)
    assert allowed("dispatcher", Access.EDITOR, anonymous_read=False)
    assert not allowed("dispatcher", Access.ADMIN, anonymous_read=False)
    assert allowed("admin", Access.ADMIN, anonymous_read=False)
    assert allowed(None, Access.READER, anonymous_read=True)
    assert not allowed(None, Access.READER, anonymous_read=False)
    assert not allowed(None, Access.EDITOR, anonymous_read=True)


def test_password_hash_verifies_only_the_same_password() -> None:
    """scrypt hashes are salted, verify the right password and refuse others and garbage."""
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second and first.startswith("scrypt$")
    assert verify_password("correct horse", first)
    assert not verify_password("correct horsE", first)
    assert not verify_password("x", "not-a-hash")
