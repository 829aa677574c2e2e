"""Sign-in throttling: per login and address, per address, growing waits, bounded memory."""

from __future__ import annotations

from maps.auth.throttle import SignInThrottle, Throttled, ThrottlePolicy


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def failing(throttle: SignInThrottle, times: int, login: str = "disp",
            address: str = "10.0.0.1") -> None:
    for _ in range(times):
        throttle.failed(login, address)


def test_ten_failures_make_the_eleventh_attempt_wait() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    failing(throttle, 9)
    assert throttle.retry_after("disp", "10.0.0.1") is None
    failing(throttle, 1)
    assert throttle.retry_after("disp", "10.0.0.1") == 30
    clock.now += 29.5
    assert throttle.retry_after("disp", "10.0.0.1") == 1
    clock.now += 0.5
    assert throttle.retry_after("disp", "10.0.0.1") is None


def test_the_failure_that_starts_a_wait_says_how_long() -> None:
    throttle = SignInThrottle(Clock(), ThrottlePolicy(per_login=3, per_address=100))
    assert [throttle.failed("disp", "10.0.0.1") for _ in range(4)] == [None, None, 30, 60]


def test_each_further_failure_doubles_the_wait_up_to_the_cap() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock, ThrottlePolicy(window_s=10_000.0))
    failing(throttle, 10)
    waits = []
    for _ in range(8):
        wait = throttle.retry_after("disp", "10.0.0.1")
        assert wait is not None
        waits.append(wait)
        clock.now += wait
        failing(throttle, 1)
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]


def test_one_address_never_locks_the_login_out_elsewhere() -> None:
    throttle = SignInThrottle(Clock())
    failing(throttle, 40, address="198.51.100.7")
    assert throttle.retry_after("disp", "198.51.100.7") is not None
    assert throttle.retry_after("disp", "10.0.0.1") is None
    assert throttle.retry_after("other", "198.51.100.7") is None


def test_an_address_guessing_many_logins_is_throttled_for_all() -> None:
    throttle = SignInThrottle(Clock(), ThrottlePolicy(per_address=50))
    for n in range(50):
        throttle.failed(f"user{n}", "198.51.100.7")
    assert throttle.retry_after("anyone-else", "198.51.100.7") == 30
    assert throttle.retry_after("anyone-else", "10.0.0.1") is None


def test_success_resets_the_login_but_not_the_address() -> None:
    throttle = SignInThrottle(Clock(), ThrottlePolicy(per_login=3, per_address=5))
    failing(throttle, 2)
    throttle.succeeded("disp", "10.0.0.1")
    failing(throttle, 2)
    assert throttle.retry_after("disp", "10.0.0.1") is None
    failing(throttle, 1)
    assert throttle.retry_after("disp", "10.0.0.1") == 30
    throttle.succeeded("disp", "10.0.0.1")
    assert throttle.retry_after("disp", "10.0.0.1") == 30  # five from the address in all


def test_failures_older_than_the_window_stop_counting() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    failing(throttle, 9)
    clock.now += 600.0
    failing(throttle, 1)
    assert throttle.retry_after("disp", "10.0.0.1") is None


def test_admins_see_who_waits_longest_first() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock, ThrottlePolicy(per_login=2, per_address=100))
    failing(throttle, 3, login="a")
    failing(throttle, 2, login="b", address="10.0.0.2")
    failing(throttle, 1, login="c")
    assert throttle.throttled() == [Throttled("a", "10.0.0.1", 3, 60),
                                    Throttled("b", "10.0.0.2", 2, 30)]


def test_memory_stays_bounded_under_a_flood_of_logins() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock, ThrottlePolicy(max_tracked=100))
    for n in range(1000):
        throttle.failed(f"user{n}", f"10.0.{n // 250}.{n % 250}")
    assert len(throttle._keys) <= 100
    clock.now += 601.0
    throttle.failed("late", "10.9.9.9")
    assert len(throttle._keys) == 2  # everything idle past the window is gone


def test_a_first_failure_makes_nobody_wait_whatever_the_clock() -> None:
    """Below the limit no attempt waits, even with a clock that starts at zero."""
    clock = Clock()
    clock.now = 0.0
    throttle = SignInThrottle(clock, ThrottlePolicy(per_login=2))
    throttle.failed("disp", "10.0.0.1")
    assert throttle.retry_after("disp", "10.0.0.1") is None
    assert throttle.throttled() == []


def test_a_success_without_failures_is_fine() -> None:
    throttle = SignInThrottle(Clock())
    throttle.succeeded("disp", "10.0.0.1")
    assert throttle.retry_after("disp", "10.0.0.1") is None


def test_a_wait_ends_exactly_when_announced() -> None:
    """At the end of the wait the key is no longer listed or waited for."""
    clock = Clock()
    throttle = SignInThrottle(clock, ThrottlePolicy(per_login=1, per_address=100))
    throttle.failed("disp", "10.0.0.1")
    assert throttle.retry_after("disp", "10.0.0.1") == 30
    clock.now += 30.0
    assert throttle.throttled() == [] and throttle.retry_after("disp", "10.0.0.1") is None


def test_equal_waits_list_the_address_first_then_logins_in_order() -> None:
    """Admins read ties by address, the address-wide entry before its logins, logins sorted."""
    throttle = SignInThrottle(Clock(), ThrottlePolicy(per_login=1, per_address=3))
    for login in ("Zulu", "Alpha", "Mike"):
        throttle.failed(login, "10.0.0.1")
    listed = throttle.throttled()
    assert [t.login for t in listed] == [None, "Alpha", "Mike", "Zulu"]
    assert {t.retry_after_s for t in listed} == {30}


def test_past_the_cap_the_longest_idle_keys_are_forgotten_first() -> None:
    """With max_tracked keys held, a new failure evicts the oldest keys and keeps exactly the
    cap: the newest counts survive, the oldest start again from zero."""
    throttle = SignInThrottle(Clock(), ThrottlePolicy(per_login=2, per_address=100,
                                                      max_tracked=4))
    throttle.failed("a", "10.0.0.1")  # keys (a, .1) and (*, .1)
    throttle.failed("b", "10.0.0.2")  # keys (b, .2) and (*, .2): the cap
    throttle.failed("c", "10.0.0.3")  # (a, .1) and (*, .1) are forgotten
    throttle.failed("b", "10.0.0.2")
    throttle.failed("c", "10.0.0.3")
    assert throttle.retry_after("b", "10.0.0.2") == 30
    assert throttle.retry_after("c", "10.0.0.3") == 30
    throttle.failed("a", "10.0.0.1")  # its first failure was forgotten: this is the first
    assert throttle.retry_after("a", "10.0.0.1") is None
