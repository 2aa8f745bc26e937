"""The audit log's secret key and head checkpoint: kept outside the database.

The key makes each row's digest an HMAC-SHA256, so someone who can edit the table but not read
the key cannot recompute a chain that verifies. The checkpoint is the chain's head (row count and
last hash, itself MACed) written to a file after every commit that appends; a log whose last rows
(or all rows) were deleted no longer reaches the checkpointed head, and ``audit.verify`` says so.

Where they live is configured (``Settings.audit_key_file``, ``Settings.audit_checkpoint_file``);
by default next to a SQLite database file, or under the user's state folder for PostgreSQL. The
first use creates a random key (mode 0600), which suits the demo; a deployment should put the key
where the database's own users cannot read it (docs/access-control.md, "Audit logging").
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from specialmeasures.domain.errors import SpecialMeasuresError

__all__ = ["AuditKeyError", "AuditSeal", "Checkpoint"]

_KEY_BYTES = 32
#: The checkpoint's record is padded to this length and overwritten in place.
_RECORD_BYTES = 256


class AuditKeyError(SpecialMeasuresError):
    """The audit key file cannot be read or created, or is not a key."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The head of the chain as last committed: how many rows and the last row's hash."""

    rows: int
    head_hash: str
    mac: str


@dataclass(frozen=True, slots=True)
class AuditSeal:
    """The key the chain's digests are made with, and where the head checkpoint is kept."""

    key: bytes
    checkpoint_file: Path | None = None
    key_file: Path | None = None

    def __repr__(self) -> str:  # never print the key
        return f"AuditSeal(key_file={self.key_file}, checkpoint_file={self.checkpoint_file})"

    @classmethod
    def load(cls, key_file: Path, checkpoint_file: Path | None) -> AuditSeal:
        """Read the key from ``key_file``, creating a random one there if there is none."""
        return cls(_read_or_create_key(key_file), checkpoint_file, key_file)

    @classmethod
    def ephemeral(cls) -> AuditSeal:
        """A random key for a database that lives only in memory, with no checkpoint."""
        return cls(secrets.token_bytes(_KEY_BYTES))

    def digest(self, message: str) -> str:
        return hmac.new(self.key, message.encode("utf-8"), hashlib.sha256).hexdigest()

    def _checkpoint_mac(self, rows: int, head_hash: str) -> str:
        return self.digest(f"checkpoint:{rows}:{head_hash}")

    def read_checkpoint(self) -> Checkpoint | None:
        """The stored checkpoint (None if there is none). A malformed file raises AuditKeyError."""
        if self.checkpoint_file is None or not self.checkpoint_file.exists():
            return None
        # Shared lock: a writer overwrites the record in place (below), never while it is read.
        with _locked(self._lock_file(), fcntl.LOCK_SH):
            try:
                text = self.checkpoint_file.read_text(encoding="utf-8")
            except OSError as error:
                raise AuditKeyError(
                    f"audit checkpoint {self.checkpoint_file} cannot be read: {error}"
                ) from None
        return self._parse_checkpoint(text)

    def _parse_checkpoint(self, text: str) -> Checkpoint:
        try:
            data = json.loads(text)
            return Checkpoint(int(data["rows"]), str(data["head_hash"]), str(data["mac"]))
        except (ValueError, KeyError, TypeError) as error:
            raise AuditKeyError(
                f"audit checkpoint {self.checkpoint_file} cannot be read: {error}"
            ) from None

    def _lock_file(self) -> Path:
        assert self.checkpoint_file is not None
        return self.checkpoint_file.with_name(self.checkpoint_file.name + ".lock")

    def checkpoint_is_genuine(self, point: Checkpoint) -> bool:
        return hmac.compare_digest(point.mac, self._checkpoint_mac(point.rows, point.head_hash))

    def write_checkpoint(self, rows: int, head_hash: str, *, force: bool = False) -> bool:
        """Record the head after a commit; never moves backwards unless ``force``.

        Writers in several processes commit in some order and then call this in another: the
        file lock and the comparison keep the checkpoint at the furthest head committed.

        Every audited page view commits a row, so this is on the path of every confidential
        read: the record is overwritten in place with one ``pwrite`` of a fixed length (the JSON
        padded with spaces) under the exclusive lock, which readers share. Replacing the file
        by a rename made ext4 write the file's data out on each commit (milliseconds on a busy
        disk, with every other audited request of the process waiting for it).
        """
        if self.checkpoint_file is None:
            return False
        if not self.checkpoint_file.parent.is_dir():
            self.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self._lock_file(), fcntl.LOCK_EX):
            fd = os.open(self.checkpoint_file, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if not force:
                    old = os.pread(fd, _RECORD_BYTES * 2, 0)
                    try:
                        current = self._parse_checkpoint(old.decode("utf-8")) if old else None
                    except (AuditKeyError, UnicodeDecodeError):
                        current = None
                    if current is not None and current.rows >= rows:
                        return False
                body = json.dumps(
                    {
                        "rows": rows,
                        "head_hash": head_hash,
                        "mac": self._checkpoint_mac(rows, head_hash),
                    },
                    indent=1,
                ).encode("utf-8")
                record = body + b"\n" + b" " * max(0, _RECORD_BYTES - len(body) - 1)
                os.pwrite(fd, record, 0)
                if os.fstat(fd).st_size > len(record):  # an older, longer file
                    os.ftruncate(fd, len(record))
            finally:
                os.close(fd)
        return True


@contextlib.contextmanager
def _locked(path: Path, mode: int = fcntl.LOCK_EX) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, mode)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_or_create_key(path: Path) -> bytes:
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole under a private name, then linked into place: a process that races
            # this one either links first or reads the complete key the other linked.
            temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
            finally:
                temporary.unlink()
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise AuditKeyError(f"audit key file {path} cannot be read or created: {error}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise AuditKeyError(f"audit key file {path} is not hexadecimal") from None
    if len(key) < 16:
        raise AuditKeyError(f"audit key in {path} is {len(key)} bytes; at least 16 are needed")
    return key
