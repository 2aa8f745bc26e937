"""The login throttle: counted before the check, growing delays, bounded, trusted addresses."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from specialmeasures.access import LoginThrottle

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_attempts_are_counted_on_admission_so_parallel_attempts_cannot_overtake() -> None:
    throttle = LoginThrottle(per_account=5, per_address=100)
    barrier = threading.Barrier(60)
    results: list[bool] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        admitted = throttle.admit("tina", "10.0.0.9", T0).allowed
        with lock:
            results.append(admitted)

    threads = [threading.Thread(target=attempt) for _ in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 5
    assert results.count(False) == 55


def test_delays_double_after_the_free_failures_and_stop_at_the_maximum() -> None:
    throttle = LoginThrottle(
        per_account=3,
        per_address=1000,
        first_delay=timedelta(seconds=2),
        max_delay=timedelta(seconds=60),
    )
    now = T0
    waits = []
    for _ in range(3):
        assert throttle.admit("tina", "10.0.0.1", now).allowed
    for _ in range(7):
        refused = throttle.admit("tina", "10.0.0.1", now)
        assert not refused.allowed
        assert refused.retry_after is not None
        waits.append(refused.retry_after)
        now += timedelta(seconds=refused.retry_after)
        assert throttle.admit("tina", "10.0.0.1", now).allowed  # a failure once more
    assert waits == [2, 4, 8, 16, 32, 60, 60]


def test_a_success_clears_the_account_and_trusts_its_address() -> None:
    throttle = LoginThrottle(per_account=2, per_address=1000)
    ok = throttle.admit("tina", "10.0.0.1", T0)
    throttle.succeeded(ok)
    for _ in range(2):
        assert throttle.admit("tina", "192.0.2.66", T0).allowed  # someone else hammers
    assert not throttle.admit("tina", "192.0.2.66", T0).allowed
    assert not throttle.admit("tina", "10.0.0.2", T0).allowed  # a new address waits
    assert throttle.admit("tina", "10.0.0.1", T0).allowed  # her usual address does not


def test_the_per_address_limit_applies_across_usernames() -> None:
    throttle = LoginThrottle(per_account=100, per_address=3)
    for name in ("a", "b", "c"):
        assert throttle.admit(name, "192.0.2.1", T0).allowed
    assert not throttle.admit("rex", "192.0.2.1", T0).allowed
    assert throttle.admit("rex", "192.0.2.2", T0).allowed


def test_failures_are_forgotten_after_the_window() -> None:
    throttle = LoginThrottle(per_account=1, per_address=100, window=timedelta(minutes=10))
    assert throttle.admit("tina", "10.0.0.1", T0).allowed
    assert not throttle.admit("tina", "10.0.0.1", T0).allowed
    assert throttle.retry_after("tina", "10.0.0.1", T0 + timedelta(minutes=10)) is None


@pytest.mark.parametrize(
    "options",
    [
        {"per_account": 0},
        {"first_delay": timedelta(0)},
        {"first_delay": timedelta(seconds=10), "max_delay": timedelta(seconds=5)},
    ],
)
def test_nonsense_options_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        LoginThrottle(**options)  # type: ignore[arg-type]
