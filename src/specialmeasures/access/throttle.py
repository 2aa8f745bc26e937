"""Login rate limiting, per account and per client address, kept in process memory.

After ``per_account`` failed sign-ins for one username within ``window``, or ``per_address``
failures from one client address, further attempts are refused until the oldest failure leaves
the window. A successful sign-in clears the account's failures.

In-process on purpose: one Uvicorn worker is the default deployment. With several workers each
keeps its own counts (a limit of N per worker); put a shared limiter in the reverse proxy, or
replace this class, when scaling out. A restart forgets the counts.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta

__all__ = ["LoginThrottle"]


class LoginThrottle:
    def __init__(
        self,
        *,
        per_account: int = 5,
        per_address: int = 20,
        window: timedelta = timedelta(minutes=15),
    ) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.window = window
        self._failures: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, username: str, address: str, now: datetime) -> int | None:
        """Seconds until another attempt is allowed, or None if one is allowed now."""
        with self._lock:
            waits = []
            for key, limit in (
                (f"user:{username.strip().lower()}", self.per_account),
                (f"addr:{address}", self.per_address),
            ):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append((times[0] + self.window - now).total_seconds())
            return max(1, int(max(waits)) + 1) if waits else None

    def failed(self, username: str, address: str, now: datetime) -> None:
        with self._lock:
            self._failures[f"user:{username.strip().lower()}"].append(now)
            self._failures[f"addr:{address}"].append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username.strip().lower()}", None)
