"""Refusals written to the audit log without one row per request.

A flood of refused requests (anonymous or not) must not fill the audit log, nor, since the newest
audit row is the data's version (``store/versioned.py``), empty the caches with every request.
So denials are aggregated per **actor, client address, action, entity and minute**:

- the first denial of a kind in a minute is written at once, as before (``access.denied``,
  ``login.throttled``), so a single refusal is never delayed;
- repeats in the same minute are only counted; when the minute is over, one row
  ``<action>.repeated`` carries their ``count`` (with ``first_at`` and ``last_at``), so the total
  is the rows of the action plus the counts of its ``.repeated`` rows;
- one actor and client may start at most ``per_client`` kinds a minute, and all together at most
  ``max_kinds``; denials beyond those are counted in one overflow row per actor and client (or
  one for everyone) with entity key ``*``.

At most ``2 * max_kinds + 1`` rows a minute are written whatever arrives. Counts not yet written
are kept in process memory and written when a later request sees that their minute is over, or
when the app shuts down; a crash loses at most one minute's counts (the first row of each kind is
already written).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["DenialKind", "DenialLog"]


@dataclass(frozen=True, slots=True)
class DenialKind:
    """What is aggregated together: who, from where, what was refused, on what."""

    actor: str
    role: str
    client: str
    action: str
    entity: str
    entity_key: str


@dataclass(slots=True)
class _Bucket:
    payload: dict[str, Any]
    first_at: datetime
    last_at: datetime
    repeats: int = 0


#: Writes one audit row: (kind, action, payload, at).
Writer = Callable[[DenialKind, str, dict[str, Any], datetime], None]


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


class DenialLog:
    def __init__(self, write: Writer, *, per_client: int = 10, max_kinds: int = 100) -> None:
        self.write = write
        self.per_client = per_client
        self.max_kinds = max_kinds
        self._minute: datetime | None = None
        self._buckets: dict[DenialKind, _Bucket] = {}
        self._per_client: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def record(self, kind: DenialKind, payload: dict[str, Any], at: datetime) -> None:
        """Count one denial; write a row now if it is the first of its kind this minute."""
        due = self._take_due(at)
        first: tuple[DenialKind, dict[str, Any]] | None = None
        with self._lock:
            if self._minute is None:
                self._minute = _minute(at)
            bucket = self._buckets.get(kind)
            if bucket is None:
                client = (kind.actor, kind.client)
                if len(self._buckets) >= self.max_kinds:
                    kind = DenialKind("*", "*", "*", kind.action, kind.entity, "*")
                elif self._per_client.get(client, 0) >= self.per_client:
                    kind = DenialKind(
                        kind.actor, kind.role, kind.client, kind.action, kind.entity, "*"
                    )
                else:
                    self._per_client[client] = self._per_client.get(client, 0) + 1
                bucket = self._buckets.get(kind)
            if bucket is None:
                overflow = kind.entity_key == "*"
                self._buckets[kind] = _Bucket(
                    {"overflow": True} if overflow else payload,
                    at,
                    at,
                    repeats=1 if overflow else 0,
                )
                if not overflow:
                    first = (kind, payload)
            else:
                bucket.repeats += 1
                bucket.last_at = max(bucket.last_at, at)
        for row in due:
            self.write(*row)
        if first is not None:
            self.write(first[0], first[0].action, first[1], at)

    def flush(self, at: datetime | None = None) -> None:
        """Write the counts of minutes that are over (every count, when ``at`` is None)."""
        for row in self._take_due(at):
            self.write(*row)

    def pending(self) -> int:
        """Denials counted but not yet written (for tests and monitoring)."""
        with self._lock:
            return sum(b.repeats for b in self._buckets.values())

    def _take_due(
        self, at: datetime | None
    ) -> list[tuple[DenialKind, str, dict[str, Any], datetime]]:
        with self._lock:
            if self._minute is None or (at is not None and _minute(at) <= self._minute):
                return []
            buckets, self._buckets = self._buckets, {}
            self._per_client = {}
            minute, self._minute = self._minute, None
        rows = []
        for kind, bucket in buckets.items():
            if bucket.repeats == 0:
                continue
            payload = {
                **bucket.payload,
                "count": bucket.repeats,
                "minute": minute.isoformat(timespec="minutes"),
                "first_at": bucket.first_at.isoformat(timespec="seconds"),
                "last_at": bucket.last_at.isoformat(timespec="seconds"),
            }
            rows.append((kind, f"{kind.action}.repeated", payload, bucket.last_at))
        return rows
