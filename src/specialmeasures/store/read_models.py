"""Read models shared through the database: computed once per data version, read by every worker.

``serve --workers N`` runs N processes, each with its own in-process cache
(``store.versioned.VersionedCache``). Without a shared level every worker recomputed the watch
list, the backtest and the evaluation documents after each change to the data. This module is
that shared level, the ``read_models`` table:

* a row per (key, data version): the first worker to miss *claims* it with an insert that fails
  on the primary key if another did (state ``computing``), computes, and stores the encoded
  result (state ``ready``);
* a claim is a lease: the claimant (``owner``) renews ``heartbeat_at`` (the database's clock)
  while it computes; a claim not renewed for ``LEASE_SECONDS`` (a worker killed or hung
  mid-computation) is taken over by the next worker that finds it, with one conditional update
  that only one worker can win;
* a worker that finds the row claimed and its lease alive waits for it (polling), reads the
  stored result and does not compute; if the claimer fails, its claim is removed and the next
  waiter claims;
* a result is stored only by the claim's owner, and only if the data version is still the one
  it was computed for (otherwise it may mix two versions and is not shared); storing a result at
  version N removes the rows of older versions;
* ``deferring_claimed``: a caller that should not wait (the refresher's claim on a whole data
  version's precomputation) gets ``ClaimedElsewhereError`` for a live claim of another worker.

What is stored is a result computed for no one in particular: the callers cache only
role-independent read models (the whole watch list, the backtest, the evaluation documents),
keyed by their parameters, and filter per role after the cache, as before.

Results are encoded as JSON with tagged values (dates, tuples, enums, and dataclasses of this
package, rebuilt by name: nothing else is imported or constructed), compressed with zlib. Floats
round-trip exactly (``repr``), so a page rendered from a stored result is the page rendered from
the computed one.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib
import json
import logging
import math
import os
import socket
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Engine, delete, extract, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from specialmeasures.store import data_version as _versions
from specialmeasures.store.tables import read_models

__all__ = [
    "LEASE_SECONDS",
    "ClaimedElsewhereError",
    "SharedReadModels",
    "decode",
    "deferring_claimed",
    "encode",
    "key_text",
    "new_owner",
    "stored_keys",
]

T = TypeVar("T")
_log = logging.getLogger(__name__)

#: A claim whose heartbeat is older than this (seconds) belongs to a worker that died or hangs:
#: another takes it over. The claimant renews it five times a lease while computing.
LEASE_SECONDS = 15.0
#: How often a waiting worker looks for the result another is computing (seconds).
POLL_SECONDS = 0.05
#: Only dataclasses and enums of this package are rebuilt from stored rows.
_PACKAGE = "specialmeasures."


_DEFER: ContextVar[bool] = ContextVar("defer_claimed_read_models", default=False)


class ClaimedElsewhereError(Exception):
    """Another worker is computing this read model (raised only under ``deferring_claimed``)."""


@contextmanager
def deferring_claimed(defer: bool = True) -> Iterator[None]:
    """Within this block (this thread or task only), a read model another worker is computing
    raises ``ClaimedElsewhereError`` instead of being waited for (``defer=False``: waited for
    again, inside a deferring block)."""
    token = _DEFER.set(defer)
    try:
        yield
    finally:
        _DEFER.reset(token)


class NotEncodableError(TypeError):
    """A value the codec does not know: the result is kept in process only."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _qualified(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _to_json(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int) and not isinstance(value, enum.Enum):
        return int(value)
    if isinstance(value, float) and not isinstance(value, enum.Enum):
        return float(value) if math.isfinite(value) else {"~f": repr(float(value))}
    if isinstance(value, enum.Enum):
        return {"~e": _qualified(type(value)), "v": _to_json(value.value)}
    if isinstance(value, datetime):
        return {"~dt": value.isoformat()}
    if isinstance(value, date):
        return {"~d": value.isoformat()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, tuple):
        return {"~t": [_to_json(v) for v in value]}
    if isinstance(value, frozenset | set):
        items = sorted((_to_json(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return {"~fs" if isinstance(value, frozenset) else "~s": items}
    if isinstance(value, dict):
        return {"~m": [[_to_json(k), _to_json(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"~c": _qualified(type(value)), "f": fields}
    # numpy scalars (np.float64, np.int64, np.bool_) become their Python values.
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        return _to_json(item())
    raise NotEncodableError(f"cannot store a {type(value).__name__} in the shared cache")


def _class(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not module.startswith(_PACKAGE):
        raise ValueError(f"refusing to rebuild {name!r}: not a class of this package")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type):
        raise ValueError(f"{name!r} is not a class")
    return found


def _from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "~t" in value:
        return tuple(_from_json(v) for v in value["~t"])
    if "~m" in value:
        return {_from_json(k): _from_json(v) for k, v in value["~m"]}
    if "~d" in value:
        return date.fromisoformat(value["~d"])
    if "~dt" in value:
        return datetime.fromisoformat(value["~dt"])
    if "~f" in value:
        return float(value["~f"])
    if "~fs" in value:
        return frozenset(_from_json(v) for v in value["~fs"])
    if "~s" in value:
        return {_from_json(v) for v in value["~s"]}
    if "~e" in value:
        cls = _class(value["~e"])
        if not issubclass(cls, enum.Enum):
            raise ValueError(f"{value['~e']!r} is not an enumeration")
        return cls(_from_json(value["v"]))
    if "~c" in value:
        cls = _class(value["~c"])
        if not dataclasses.is_dataclass(cls):
            raise ValueError(f"{value['~c']!r} is not a dataclass")
        fields = {k: _from_json(v) for k, v in value["f"].items()}
        init = {f.name for f in dataclasses.fields(cls) if f.init}
        obj = cls(**{k: v for k, v in fields.items() if k in init})
        for name, v in fields.items():
            if name not in init:
                object.__setattr__(obj, name, v)
        return obj
    raise ValueError(f"unknown stored value {sorted(value)}")


def encode(value: Any) -> bytes:
    """The stored form of a read model (``NotEncodableError`` for a value it cannot keep).

    >>> from datetime import date
    >>> decode(encode({"as_of": date(2019, 9, 1), "bands": (1, 2.5, None)}))
    {'as_of': datetime.date(2019, 9, 1), 'bands': (1, 2.5, None)}
    """
    text = json.dumps(_to_json(value), separators=(",", ":"), allow_nan=False)
    return zlib.compress(text.encode("utf-8"), 1)


def decode(payload: bytes) -> Any:
    """The read model back from its stored form."""
    return _from_json(json.loads(zlib.decompress(payload).decode("utf-8")))


def key_text(key: Hashable) -> str:
    """A canonical text of a cache key (tuples of strings, numbers, dates, None)."""
    return json.dumps(_to_json(key), separators=(",", ":"), sort_keys=True)


def stored_keys(engine: Engine, name: str) -> list[Hashable]:
    """The keys of the read models named ``name`` stored now (any data version), newest first:
    what was asked for before the latest change, for a precomputation to compute again."""
    t = read_models
    query = (
        select(t.c.key_text)
        .where(t.c.name == name, t.c.state == "ready")
        .order_by(t.c.version.desc(), t.c.claimed_at.desc())
    )
    with engine.connect() as conn:
        texts = [str(text) for (text,) in conn.execute(query)]
    return [cast(Hashable, _from_json(json.loads(text))) for text in dict.fromkeys(texts)]


def _name(key: Hashable) -> str:
    first = key[0] if isinstance(key, tuple) and key else key
    return str(first)[:100]


def _computing(digest: str, version: int) -> tuple[ColumnElement[bool], ...]:
    """The conditions of a read model's claim being computed for ``version``."""
    t = read_models
    return (t.c.key_hash == digest, t.c.version == version, t.c.state == "computing")


def _db_now(engine: Engine) -> ColumnElement[float]:
    """The database's clock in seconds since the epoch: one clock for every worker's lease,
    whatever the workers' own clocks say."""
    if engine.dialect.name == "postgresql":
        return cast(ColumnElement[float], extract("epoch", func.clock_timestamp()))
    return cast(ColumnElement[float], (func.julianday("now") - 2440587.5) * 86400.0)


def new_owner() -> str:
    """A name for one claimant: host, process and a random part (two caches of one process
    are two claimants)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"


class SharedReadModels:
    """The ``read_models`` table as a cache shared by every process over one database.

    A claim is a lease: while computing, the claimant writes a heartbeat (the database's clock)
    every ``lease_seconds / 5``; a claim whose heartbeat is older than ``lease_seconds`` (its
    worker was killed, or hangs) is taken over by the next worker that finds it, with a
    conditional update that only one can win. A result is stored only by the claim's owner and
    only if the data version did not change while it was computed.

    ``computed`` and ``loaded`` count what this instance did: results it computed and stored,
    and results it read that another worker (or an earlier run) had stored; ``taken_over``
    counts expired claims it took over, ``waited`` the seconds it waited for other workers.
    """

    def __init__(
        self,
        *,
        lease_seconds: float = LEASE_SECONDS,
        poll: float = POLL_SECONDS,
        owner: str | None = None,
    ) -> None:
        if lease_seconds <= 0:
            raise ValueError(f"lease_seconds must be positive, not {lease_seconds!r}")
        self.lease_seconds = lease_seconds
        self.heartbeat_seconds = lease_seconds / 5
        self.poll = poll
        self.owner = owner or new_owner()
        self.computed = 0
        self.loaded = 0
        self.taken_over = 0
        self.waited = 0.0

    def get(self, engine: Engine, version: int, key: Hashable, compute: Callable[[], T]) -> T:
        """The result for ``key`` at data ``version``: stored, awaited, or computed here."""
        try:
            text = key_text(key)
        except NotEncodableError:
            return compute()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        started = time.perf_counter()
        try:
            while True:
                row = self._row(engine, digest, version)
                if row is not None and row.state == "ready" and row.payload is not None:
                    value = decode(row.payload)
                    self.loaded += 1
                    return cast(T, value)
                if row is None:
                    if self._claim(engine, digest, version, key, text):
                        return self._compute_and_store(engine, digest, version, compute)
                    continue  # claimed by another worker a moment ago: wait for it
                if row.age is None or row.age > self.lease_seconds:
                    if self._take_over(engine, digest, version, row.owner):
                        self.taken_over += 1
                        _log.warning("took over %s at version %s from %s", text, version, row.owner)
                        return self._compute_and_store(engine, digest, version, compute)
                    continue  # another worker took it over first
                if _DEFER.get():
                    raise ClaimedElsewhereError(text)
                time.sleep(self.poll)
        finally:
            self.waited += time.perf_counter() - started

    def _row(self, engine: Engine, digest: str, version: int) -> Any:
        t = read_models
        query = select(
            t.c.state, t.c.owner, t.c.payload, (_db_now(engine) - t.c.heartbeat_at).label("age")
        ).where(t.c.key_hash == digest, t.c.version == version)
        with engine.connect() as conn:
            return conn.execute(query).first()

    def _claim(self, engine: Engine, digest: str, version: int, key: Hashable, text: str) -> bool:
        values = {
            "key_hash": digest, "version": version, "name": _name(key), "key_text": text,
            "state": "computing", "claimed_at": _now(), "owner": self.owner,
            "heartbeat_at": _db_now(engine),
        }  # fmt: skip
        try:
            with engine.begin() as conn:
                conn.execute(insert(read_models).values(**values))
        except IntegrityError:
            return False  # the primary key is taken: another worker claimed it first
        return True

    def _take_over(self, engine: Engine, digest: str, version: int, owner: str | None) -> bool:
        """Take an expired claim of ``owner``: only one of several workers trying at once wins
        (the update names the owner it replaces, and the expiry is checked by the database)."""
        t = read_models
        was = t.c.owner.is_(None) if owner is None else t.c.owner == owner
        expired = t.c.heartbeat_at.is_(None) | (
            _db_now(engine) - t.c.heartbeat_at > self.lease_seconds
        )
        with engine.begin() as conn:
            done = conn.execute(
                update(t)
                .where(
                    *_computing(digest, version),
                    was,
                    expired,
                )
                .values(owner=self.owner, heartbeat_at=_db_now(engine), claimed_at=_now())
            )
        return done.rowcount == 1

    def _beat(self, engine: Engine, digest: str, version: int) -> bool:
        """Renew this claimant's lease; False if the claim is no longer its own."""
        t = read_models
        with engine.begin() as conn:
            done = conn.execute(
                update(t)
                .where(
                    *_computing(digest, version),
                    t.c.owner == self.owner,
                )
                .values(heartbeat_at=_db_now(engine))
            )
        return done.rowcount == 1

    @contextmanager
    def _heartbeat(self, engine: Engine, digest: str, version: int) -> Iterator[None]:
        """Renew the lease in the background while the block runs."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.heartbeat_seconds):
                try:
                    if not self._beat(engine, digest, version):
                        _log.warning("lost the claim on %s at version %s", digest, version)
                        return
                except DBAPIError:  # a busy database: try again at the next beat
                    _log.warning("could not renew a read-model claim", exc_info=True)

        thread = threading.Thread(target=beat, name="read-model-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def _release(self, engine: Engine, digest: str, version: int) -> None:
        t = read_models
        with engine.begin() as conn:  # let the next waiter claim it
            conn.execute(
                delete(t).where(
                    *_computing(digest, version),
                    t.c.owner == self.owner,
                )
            )

    def _compute_and_store(
        self, engine: Engine, digest: str, version: int, compute: Callable[[], T]
    ) -> T:
        t = read_models
        started = time.perf_counter()
        try:
            with self._heartbeat(engine, digest, version):
                value = compute()
        except BaseException:
            self._release(engine, digest, version)
            raise
        try:
            payload = encode(value)
        except NotEncodableError as error:
            _log.warning("%s: kept in process only", error)
            self._release(engine, digest, version)
            return value
        seconds = time.perf_counter() - started
        self.computed += 1
        try:
            with engine.begin() as conn:
                if _versions.current(conn) != version:
                    # The data changed while it was computed: the result may mix two versions,
                    # so it is not stored for either (readers of the new version compute anew).
                    conn.execute(
                        delete(t).where(*_computing(digest, version), t.c.owner == self.owner)
                    )
                    return value
                stored = conn.execute(
                    update(t)
                    .where(
                        *_computing(digest, version),
                        t.c.owner == self.owner,
                    )
                    .values(state="ready", payload=payload, compute_seconds=seconds)
                )
                if stored.rowcount != 1:  # the lease was lost: the new owner stores its own
                    _log.warning("not stored: the claim on %s passed to another worker", digest)
                    return value
                conn.execute(delete(t).where(t.c.version < version))
        except DBAPIError:
            # The result is good; only sharing it failed (a busy database). Waiters take the
            # claim over once its lease expires.
            _log.warning("could not store the read model", exc_info=True)
        return value
