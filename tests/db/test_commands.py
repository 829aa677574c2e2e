"""The queue of terminal commands against a real PostGIS: claiming, answers, giving up."""

from __future__ import annotations

from typing import Any

from db import commands as queue
from db.commands import CONFIRMATION_NAMES
from db.terminals import add_terminal
from egts_server.codec.egts.subrecords import ConfirmationType
from egts_server.model import CommandSpec

SPEC = CommandSpec(kind="text", code=0, action=0, data=b"GPS?", charset=0, summary="GPS?")


def test_command_views_name_every_confirmation_of_the_standard() -> None:
    """The names the queue gives stored CCT values are exactly the codec's ConfirmationType."""
    assert list(CONFIRMATION_NAMES) == [int(c) for c in ConfirmationType]


def test_a_queued_command_is_shown_waiting_and_unanswered(cur: Any) -> None:
    terminal = add_terminal(cur, "egts", "7", None, None)
    command = queue.enqueue(cur, terminal, SPEC, 60, "anna")
    assert {k: command[k] for k in ("terminal_id", "terminal", "kind", "summary", "status",
                                    "attempts", "created_by", "confirmation", "result_hex",
                                    "error")} == {
        "terminal_id": terminal, "terminal": "egts:7", "kind": "text", "summary": "GPS?",
        "status": "queued", "attempts": 0, "created_by": "anna", "confirmation": None,
        "result_hex": None, "error": None}
    assert isinstance(command["created_at"], str)
    assert queue.get_command(cur, command["id"]) == command
    assert queue.list_commands(cur, terminal) == [command]
    assert queue.due_terminals(cur, 60, 3) == [terminal]


def test_claim_sends_each_command_once_until_it_is_due_again(cur: Any) -> None:
    """A sent command is not claimed again before ``resend_after_s``, nor past its attempts,
    nor for another terminal."""
    terminal = add_terminal(cur, "egts", "7", None, None)
    other = add_terminal(cur, "egts", "8", None, None)
    first = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    second = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    assert queue.claim(cur, [other], 60, 3) == []
    assert queue.claim(cur, [terminal], 60, 3) == [(first, terminal, 0, 0, 0, b"GPS?"),
                                                   (second, terminal, 0, 0, 0, b"GPS?")]
    assert queue.claim(cur, [terminal], 60, 3) == []
    assert queue.due_terminals(cur, 60, 3) == []
    assert [c for c, *_ in queue.claim(cur, [terminal], 0, 2)] == [first, second]
    assert queue.claim(cur, [terminal], 0, 2) == []
    assert queue.get_command(cur, first)["attempts"] == 2  # type: ignore[index]


def test_only_a_command_not_yet_sent_can_be_cancelled(cur: Any) -> None:
    terminal = add_terminal(cur, "egts", "7", None, None)
    waiting = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    sent = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    cur.execute("UPDATE terminal_commands SET status = 'sent' WHERE id = %s", (sent,))
    assert queue.cancel(cur, waiting) and not queue.cancel(cur, sent)
    assert [(c["id"], c["status"], c["error"]) for c in queue.list_commands(cur, terminal)] == [
        (sent, "sent", None), (waiting, "cancelled", "cancelled")]
    assert queue.claim(cur, [terminal], 60, 3) == []


def test_delivery_and_answer_are_matched_by_terminal_and_cid(cur: Any) -> None:
    """The terminal's acknowledgement moves a sent command on; another terminal's does not."""
    terminal = add_terminal(cur, "egts", "7", None, None)
    other = add_terminal(cur, "egts", "8", None, None)
    command = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    queue.claim(cur, [terminal], 60, 3)
    assert not queue.record_delivery(cur, other, command, 0)
    assert queue.record_delivery(cur, terminal, command, 0)
    assert queue.get_command(cur, command)["status"] == "delivered"  # type: ignore[index]
    assert not queue.record_answer(cur, other, command, 0, b"", None)
    assert queue.record_answer(cur, terminal, command, 0, b"\x01\xff", "ok")
    answered = queue.get_command(cur, command)
    assert answered is not None
    assert (answered["status"], answered["confirmation"], answered["result_hex"],
            answered["result_text"], answered["error"]) == ("confirmed", "ok", "01ff", "ok", None)
    assert answered["delivered_at"] is not None and answered["answered_at"] is not None


def test_refusals_and_negative_answers_fail_the_command_with_the_reason(cur: Any) -> None:
    terminal = add_terminal(cur, "egts", "7", None, None)
    refused = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    negative = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    working = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    queue.claim(cur, [terminal], 60, 3)
    assert queue.record_delivery(cur, terminal, refused, 153)
    assert queue.record_answer(cur, terminal, negative, 5, b"", None)
    assert queue.record_answer(cur, terminal, working, 6, b"", None)
    shown = {c["id"]: (c["status"], c["result_code"], c["confirmation"], c["error"])
             for c in queue.list_commands(cur, terminal)}
    assert shown == {
        refused: ("failed", 153, None, "the terminal refused the packet (result code 153)"),
        negative: ("failed", None, "negative", "the terminal answered negative"),
        working: ("in_progress", None, "in_progress", None)}


def test_overdue_commands_expire_or_fail(cur: Any) -> None:
    """Queued past their time: expired; sent and unanswered after the last attempt: failed;
    sent with attempts left and time to go: kept."""
    terminal = add_terminal(cur, "egts", "7", None, None)
    late = queue.enqueue(cur, terminal, SPEC, 0, None)["id"]
    spent = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    retried = queue.enqueue(cur, terminal, SPEC, 60, None)["id"]
    cur.execute("UPDATE terminal_commands SET status = 'sent', attempts = %s,"
                " sent_at = now() - interval '1 minute' WHERE id = %s", (3, spent))
    cur.execute("UPDATE terminal_commands SET status = 'sent', attempts = 1,"
                " sent_at = now() - interval '1 minute' WHERE id = %s", (retried,))
    assert queue.settle_overdue(cur, 30, 3) == 2
    shown = {c["id"]: (c["status"], c["error"]) for c in queue.list_commands(cur, terminal)}
    assert shown == {
        late: ("expired", "the terminal did not connect before the command expired"),
        spent: ("failed", "no answer from the terminal after 3 attempt(s)"),
        retried: ("sent", None)}
    assert queue.list_commands(cur, terminal, limit=1)[0]["id"] == retried
