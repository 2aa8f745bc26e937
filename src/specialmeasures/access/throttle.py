"""Login rate limiting with growing delays, per client address and per account.

Every attempt is counted **before** the password is checked: :meth:`LoginThrottle.admit` decides
and records the attempt under one lock, so parallel attempts cannot all slip through between a
check and a count. A successful sign-in takes back the failures of that username from that
address (its owner's typos) and no others, so signing in does not reset an attacker elsewhere.

Instead of a hard lock-out, each key allows a number of free failures within ``window``; after
that, every further attempt must wait ``first_delay`` after the previous failure, doubling with
each failure, up to ``max_delay``. So a username that someone hammers is never locked for long:
its owner can sign in again after at most ``max_delay``, and at once from an address where they
have signed in before (the account-wide delay does not apply there; the per-address limit still
does). This follows NIST SP 800-63B section 5.2.2: limit failed attempts on an account, with
increasing wait times and trusted addresses rather than lock-outs that an attacker can trigger.

Where the counts live is a *book*: :class:`MemoryBook` (one process; a restart forgets) or the
database's ``login_failures`` and ``login_known`` tables (:mod:`access.throttle_shared`), which
every worker of ``serve --workers N`` shares, so N workers do not give N times the free attempts.
The web app uses the database's book; the rules are the same in both, here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

__all__ = ["Admission", "FailureBook", "LoginThrottle", "MemoryBook"]

#: How many (account, address) pairs of past successful sign-ins are remembered.
KNOWN_ADDRESSES_KEPT = 10_000


@dataclass(frozen=True, slots=True)
class Admission:
    """The answer to one attempt: allowed (``retry_after`` None) or how many seconds to wait."""

    username: str
    address: str
    at: datetime
    retry_after: int | None

    @property
    def allowed(self) -> bool:
        return self.retry_after is None


def _account(username: str) -> str:
    return f"user:{username.strip().lower()}"


def _address(address: str) -> str:
    return f"addr:{address}"


class FailureBook(Protocol):
    """Where a throttle keeps recent failures and trusted addresses; used under its lock."""

    def recent(self, key: str, since: datetime) -> list[datetime]:
        """Times of the failures counted on ``key`` after ``since``, oldest first."""
        ...

    def known(self, username: str, address: str) -> bool:
        """Whether ``username`` has signed in from ``address`` before."""
        ...

    def add(self, at: datetime, username: str, address: str) -> None:
        """Count a failure on the account's key and on the address's key."""
        ...

    def forget(self, username: str, address: str, at: datetime) -> None:
        """Take back this username's failures from this address and trust the address."""
        ...


class MemoryBook:
    """Failures and trusted addresses in this process's memory."""

    def __init__(self) -> None:
        # key -> (when, username, address) of each recent failure, oldest first
        self._failures: dict[str, deque[tuple[datetime, str, str]]] = defaultdict(deque)
        self._known: OrderedDict[tuple[str, str], None] = OrderedDict()

    def recent(self, key: str, since: datetime) -> list[datetime]:
        times = self._failures.get(key)
        if times is None:
            return []
        while times and times[0][0] <= since:
            times.popleft()
        if not times:
            del self._failures[key]
            return []
        return [t[0] for t in times]

    def known(self, username: str, address: str) -> bool:
        return (username, address) in self._known

    def add(self, at: datetime, username: str, address: str) -> None:
        self._failures[_account(username)].append((at, username, address))
        self._failures[_address(address)].append((at, username, address))

    def forget(self, username: str, address: str, at: datetime) -> None:
        mine = (username, address)
        for key in (_account(username), _address(address)):
            kept = deque(f for f in self._failures.get(key, ()) if f[1:] != mine)
            if kept:
                self._failures[key] = kept
            else:
                self._failures.pop(key, None)
        self._known[mine] = None
        self._known.move_to_end(mine)
        while len(self._known) > KNOWN_ADDRESSES_KEPT:
            self._known.popitem(last=False)


class LoginThrottle:
    """Free failures per key within ``window``, then delays doubling up to ``max_delay``.

    ``per_account`` failures on one username (from any address) and ``per_address`` failures from
    one client address are free; the next attempt waits ``first_delay``, the one after twice
    that, and so on, never more than ``max_delay`` after the latest failure. ``book`` opens the
    failure book under a lock held for one decision (default: this process's memory).
    """

    def __init__(
        self,
        *,
        per_account: int = 5,
        per_address: int = 20,
        window: timedelta = timedelta(hours=1),
        first_delay: timedelta = timedelta(seconds=2),
        max_delay: timedelta = timedelta(minutes=5),
        book: Callable[[], AbstractContextManager[FailureBook]] | None = None,
    ) -> None:
        if per_account < 1 or per_address < 1:
            raise ValueError("per_account and per_address must be at least 1")
        if first_delay <= timedelta(0) or max_delay < first_delay:
            raise ValueError("first_delay must be positive and max_delay at least first_delay")
        self.per_account = per_account
        self.per_address = per_address
        self.window = window
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._book = book or _memory_book()

    def delay_after(self, failures: int, free: int) -> timedelta:
        """The wait imposed after ``failures`` recent failures on a key allowing ``free``."""
        if failures < free:
            return timedelta(0)
        doublings = min(failures - free, 30)  # 2**30 first delays exceeds any sane max_delay
        delay: timedelta = self.first_delay * (1 << doublings)
        return min(delay, self.max_delay)

    def _wait(self, book: FailureBook, name: str, address: str, now: datetime) -> int | None:
        keys = [(_address(address), self.per_address)]
        if not book.known(name, address):
            keys.append((_account(name), self.per_account))
        wait = 0.0
        for key, free in keys:
            times = book.recent(key, now - self.window)
            if times:
                until = times[-1] + self.delay_after(len(times), free)
                wait = max(wait, (until - now).total_seconds())
        return max(1, int(wait + 0.999)) if wait > 0 else None

    def admit(self, username: str, address: str, now: datetime) -> Admission:
        """Decide whether this attempt may check a password, and count it if so (atomically).

        An admitted attempt counts as a failure until :meth:`succeeded` takes it back.
        """
        name = username.strip().lower()
        with self._book() as book:
            wait = self._wait(book, name, address, now)
            if wait is None:
                book.add(now, name, address)
            return Admission(name, address, now, wait)

    def retry_after(self, username: str, address: str, now: datetime) -> int | None:
        """Seconds until another attempt is allowed, or None if one is allowed now (no count)."""
        name = username.strip().lower()
        with self._book() as book:
            return self._wait(book, name, address, now)

    def succeeded(self, admission: Admission) -> None:
        """The admitted attempt signed in: forget this username's failures from this address
        (the attempt itself included) and trust the address for this account."""
        with self._book() as book:
            book.forget(admission.username, admission.address, admission.at)


def _memory_book() -> Callable[[], AbstractContextManager[FailureBook]]:
    book = MemoryBook()
    lock = threading.Lock()

    @contextmanager
    def opened() -> Iterator[FailureBook]:
        with lock:
            yield book

    return opened
