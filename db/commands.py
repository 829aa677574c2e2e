"""The queue of commands to terminals and what became of each (table ``terminal_commands``).

The queue lives in the database so that the CLI, the API and every ``serve`` process share it:
whichever process holds the terminal's connection claims the command (``claim``), and the
terminal's answers are recorded there, matched by CID = row id mod 2^32.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from egts_server.model import CommandSpec

_CID_MODULUS: Final = 1 << 32
#: What the ``confirmation`` column holds (the terminal's CCT, codec ``ConfirmationType``, in its
#: order) as the API and the CLI name it; a test keeps the two in step.
CONFIRMATION_NAMES: Final[dict[int, str]] = {
    0: "ok", 1: "error", 2: "illegal", 3: "deleted", 4: "not_found", 5: "negative",
    6: "in_progress"}
#: The command's status after each CCT; any other answer fails it.
_STATUS_OF_CONFIRMATION: Final[dict[int, str]] = {0: "confirmed", 3: "confirmed",
                                                   6: "in_progress"}
_COLUMNS: Final = ("c.id, c.terminal_id, t.protocol || ':' || t.identifier, c.kind, c.summary,"
                   " c.code, c.action, c.status, c.attempts, c.created_by, c.created_at,"
                   " c.expires_at, c.sent_at, c.delivered_at, c.answered_at, c.confirmation,"
                   " c.result_code, c.result_data, c.result_text, c.error")
_KEYS: Final = ("id", "terminal_id", "terminal", "kind", "summary", "code", "action", "status",
                "attempts", "created_by", "created_at", "expires_at", "sent_at", "delivered_at",
                "answered_at", "confirmation", "result_code", "result_data", "result_text",
                "error")


def view(row: tuple[Any, ...]) -> dict[str, Any]:
    """A command as the API and the CLI show it (times ISO 8601, bytes hex, CCT by name)."""
    item = dict(zip(_KEYS, row, strict=True))
    for key in ("created_at", "expires_at", "sent_at", "delivered_at", "answered_at"):
        value: datetime | None = item[key]
        item[key] = value.isoformat() if value is not None else None
    data = item.pop("result_data")
    item["result_hex"] = bytes(data).hex() if data is not None else None
    code = item["confirmation"]
    item["confirmation"] = CONFIRMATION_NAMES.get(code, str(code)) if code is not None else None
    return item


def enqueue(cur: Any, terminal_id: int, spec: CommandSpec, ttl_s: float,
            created_by: str | None) -> dict[str, Any]:
    """Queue ``spec`` for the terminal; it waits at most ``ttl_s`` for the terminal to take it."""
    cur.execute("INSERT INTO terminal_commands (terminal_id, kind, summary, code, action,"
                " charset, data, created_by, expires_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, now() + %s * interval '1 second')"
                " RETURNING id",
                (terminal_id, spec.kind, spec.summary, spec.code, spec.action, spec.charset,
                 spec.data, created_by, ttl_s))
    found = get_command(cur, cur.fetchone()[0])
    assert found is not None
    return found


def get_command(cur: Any, command_id: int) -> dict[str, Any] | None:
    cur.execute(f"SELECT {_COLUMNS} FROM terminal_commands c"
                " JOIN terminals t ON t.id = c.terminal_id WHERE c.id = %s", (command_id,))
    row = cur.fetchone()
    return view(row) if row is not None else None


def list_commands(cur: Any, terminal_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """The terminal's latest commands, newest first."""
    cur.execute(f"SELECT {_COLUMNS} FROM terminal_commands c"
                " JOIN terminals t ON t.id = c.terminal_id WHERE c.terminal_id = %s"
                " ORDER BY c.id DESC LIMIT %s", (terminal_id, limit))
    return [view(row) for row in cur.fetchall()]


def cancel(cur: Any, command_id: int) -> bool:
    """Withdraw a command that has not gone out yet; False when it has (or does not exist)."""
    cur.execute("UPDATE terminal_commands SET status = 'cancelled', error = 'cancelled'"
                " WHERE id = %s AND status = 'queued'", (command_id,))
    return bool(cur.rowcount)


# Due to go out: queued, or sent and still unanswered after resend_after_s, with attempts left.
_DUE: Final = ("status IN ('queued', 'sent') AND expires_at > now() AND attempts < %(max)s"
               " AND (status = 'queued' OR sent_at < now() - %(resend)s * interval '1 second')")


def due_terminals(cur: Any, resend_after_s: float, max_attempts: int) -> list[int]:
    """The terminals that have a command due (usually none: an index-only look)."""
    cur.execute(f"SELECT DISTINCT terminal_id FROM terminal_commands WHERE {_DUE}",
                {"max": max_attempts, "resend": resend_after_s})
    return [int(row[0]) for row in cur.fetchall()]


def claim(cur: Any, terminal_ids: list[int], resend_after_s: float,
          max_attempts: int) -> list[tuple[int, int, int, int, int, bytes]]:
    """Mark as sent, and return, what is due for these connected terminals.

    Rows: (id, terminal_id, code, action, charset, data), oldest first. SKIP LOCKED: two
    processes never claim the same command.
    """
    cur.execute("UPDATE terminal_commands SET status = 'sent', attempts = attempts + 1,"
                " sent_at = now() WHERE id IN ("
                f" SELECT id FROM terminal_commands WHERE terminal_id = ANY(%(terminals)s)"
                f" AND {_DUE} ORDER BY id FOR UPDATE SKIP LOCKED)"
                " RETURNING id, terminal_id, code, action, charset, data",
                {"terminals": terminal_ids, "max": max_attempts, "resend": resend_after_s})
    return sorted((i, t, c, a, ch, bytes(d)) for i, t, c, a, ch, d in cur.fetchall())


def settle_overdue(cur: Any, resend_after_s: float, max_attempts: int) -> int:
    """Give up on commands past their time: queued ones expire, sent ones without an answer
    after the last attempt (or past their time) fail. Returns how many."""
    cur.execute("UPDATE terminal_commands SET status = 'expired',"
                " error = 'the terminal did not connect before the command expired'"
                " WHERE status = 'queued' AND expires_at <= now()")
    expired: int = cur.rowcount
    cur.execute("UPDATE terminal_commands SET status = 'failed',"
                " error = format('no answer from the terminal after %%s attempt(s)', attempts)"
                " WHERE status = 'sent' AND sent_at < now() - %s * interval '1 second'"
                " AND (attempts >= %s OR expires_at <= now())", (resend_after_s, max_attempts))
    return expired + int(cur.rowcount)


def record_delivery(cur: Any, terminal_id: int, command_id: int, result: int) -> bool:
    """The terminal's PT_RESPONSE to the packet carrying the command: taken (0) or refused."""
    if result == 0:
        cur.execute("UPDATE terminal_commands SET status = 'delivered', delivered_at = now()"
                    " WHERE terminal_id = %s AND id %% %s = %s AND status = 'sent'",
                    (terminal_id, _CID_MODULUS, command_id))
    else:
        cur.execute("UPDATE terminal_commands SET status = 'failed', result_code = %s,"
                    " error = format('the terminal refused the packet (result code %%s)', %s)"
                    " WHERE terminal_id = %s AND id %% %s = %s AND status = 'sent'",
                    (result, result, terminal_id, _CID_MODULUS, command_id))
    return bool(cur.rowcount)


def record_answer(cur: Any, terminal_id: int, command_id: int, confirmation: int, data: bytes,
                  text: str | None) -> bool:
    """The terminal's COMCONF: done, in progress or failed, with the value it sent back (and
    that value as text, when it is text). False when no command of this terminal has that CID
    (a stale or foreign answer)."""
    status = _STATUS_OF_CONFIRMATION.get(confirmation, "failed")
    name = CONFIRMATION_NAMES.get(confirmation, str(confirmation))
    cur.execute("UPDATE terminal_commands SET status = %s, confirmation = %s,"
                " answered_at = now(), delivered_at = coalesce(delivered_at, now()),"
                " result_data = %s, result_text = %s, error = %s"
                " WHERE terminal_id = %s AND id %% %s = %s AND status <> 'cancelled'",
                (status, confirmation, data, text,
                 None if status != "failed" else f"the terminal answered {name}",
                 terminal_id, _CID_MODULUS, command_id))
    return bool(cur.rowcount)
