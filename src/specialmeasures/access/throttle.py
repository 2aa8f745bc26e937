"""Login rate limiting with growing delays, per client address and per account, in memory.

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

In-process on purpose: one Uvicorn worker is the default deployment. With several workers each
keeps its own counts (limits per worker); put a shared limiter in the reverse proxy, or replace
this class, when scaling out. A restart forgets the counts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Admission", "LoginThrottle"]

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


class LoginThrottle:
    """Free failures per key within ``window``, then delays doubling up to ``max_delay``.

    ``per_account`` failures on one username (from any address) and ``per_address`` failures from
    one client address are free; the next attempt waits ``first_delay``, the one after twice
    that, and so on, never more than ``max_delay`` after the latest failure.
    """

    def __init__(
        self,
        *,
        per_account: int = 5,
        per_address: int = 20,
        window: timedelta = timedelta(hours=1),
        first_delay: timedelta = timedelta(seconds=2),
        max_delay: timedelta = timedelta(minutes=5),
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
        # key -> (when, username, address) of each recent failure, oldest first
        self._failures: dict[str, deque[tuple[datetime, str, str]]] = defaultdict(deque)
        self._known: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    def delay_after(self, failures: int, free: int) -> timedelta:
        """The wait imposed after ``failures`` recent failures on a key allowing ``free``."""
        if failures < free:
            return timedelta(0)
        doublings = min(failures - free, 30)  # 2**30 first delays exceeds any sane max_delay
        delay: timedelta = self.first_delay * (1 << doublings)
        return min(delay, self.max_delay)

    def _recent(self, key: str, now: datetime) -> deque[tuple[datetime, str, str]]:
        times = self._failures[key]
        while times and times[0][0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return deque()
        return times

    def _wait(self, key: str, free: int, now: datetime) -> float:
        times = self._recent(key, now)
        if not times:
            return 0.0
        until = times[-1][0] + self.delay_after(len(times), free)
        return max(0.0, (until - now).total_seconds())

    def admit(self, username: str, address: str, now: datetime) -> Admission:
        """Decide whether this attempt may check a password, and count it if so (atomically).

        An admitted attempt counts as a failure until :meth:`succeeded` takes it back.
        """
        name = username.strip().lower()
        with self._lock:
            waits = [self._wait(_address(address), self.per_address, now)]
            if (name, address) not in self._known:
                waits.append(self._wait(_account(name), self.per_account, now))
            wait = max(waits)
            if wait > 0:
                return Admission(name, address, now, max(1, int(wait + 0.999)))
            self._failures[_account(name)].append((now, name, address))
            self._failures[_address(address)].append((now, name, address))
            return Admission(name, address, now, None)

    def retry_after(self, username: str, address: str, now: datetime) -> int | None:
        """Seconds until another attempt is allowed, or None if one is allowed now (no count)."""
        name = username.strip().lower()
        with self._lock:
            waits = [self._wait(_address(address), self.per_address, now)]
            if (name, address) not in self._known:
                waits.append(self._wait(_account(name), self.per_account, now))
            wait = max(waits)
            return max(1, int(wait + 0.999)) if wait > 0 else None

    def succeeded(self, admission: Admission) -> None:
        """The admitted attempt signed in: forget this username's failures from this address
        (the attempt itself included) and trust the address for this account."""
        mine = (admission.username, admission.address)
        with self._lock:
            for key in (_account(admission.username), _address(admission.address)):
                kept = deque(f for f in self._failures.get(key, ()) if f[1:] != mine)
                if kept:
                    self._failures[key] = kept
                else:
                    self._failures.pop(key, None)
            self._known[(admission.username, admission.address)] = None
            self._known.move_to_end((admission.username, admission.address))
            while len(self._known) > KNOWN_ADDRESSES_KEPT:
                self._known.popitem(last=False)
