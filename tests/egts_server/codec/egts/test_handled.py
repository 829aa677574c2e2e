"""The EGTS ``Handled``: the shared outcome plus command events and the confirmed records."""

from __future__ import annotations

from dataclasses import MISSING, fields

from egts_server.codec import handled
from egts_server.codec.egts.handled import CommandAnswered, CommandDelivered, Handled


def test_it_is_the_shared_outcome_with_two_fields_added_after_its_own() -> None:
    """The adapter reads the shared fields; the compiled record loop sets every field by name."""
    shared = [f.name for f in fields(handled.Handled)]
    assert issubclass(Handled, handled.Handled)
    assert [f.name for f in fields(Handled)] == [*shared, "commands", "confirmed"]


def test_every_field_has_a_default_so_the_empty_outcome_needs_no_arguments() -> None:
    """The compiled record loop starts from the defaults (it refuses to load without them)."""
    assert [f.name for f in fields(Handled) if f.default is MISSING] == []
    empty = Handled()
    assert (empty.commands, empty.confirmed, empty.replies, empty.ack, empty.close) == (
        (), (), (), None, False)


def test_command_events_and_confirmations_count_in_equality() -> None:
    """Two outcomes differing only in a command event or a confirmation are not the same."""
    delivered = Handled(commands=(CommandDelivered(command_id=7, result=0),))
    answered = Handled(commands=(CommandAnswered(command_id=7, confirmation=0, data=b"",
                                                 charset=None),))
    assert len({Handled(), delivered, answered, Handled(confirmed=((2, 1, 0),))}) == 4
