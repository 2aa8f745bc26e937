"""Keyed pseudonyms of trusts, for people who read the evaluation without knowing the sites.

A researcher (``Role.RESEARCHER``) may read the evaluation and the evidence of the case-study sites
granted to them, but never the real code or name of a trust there (the policy action
``site.identify`` is denied to them). Every trust code is replaced by ``SITE-`` and eight
hexadecimal digits of HMAC-SHA256(key, code), and every trust name by the same pseudonym: stable
for as long as the key is kept (so pages, downloads and repeated visits agree and a researcher can
follow a site across them), and not reversible without the key, which is made at random on first
use and kept in the database (``pseudonym_keys``), never shown.

The replacement walks a whole response document (dicts, lists, strings): a code or name is
replaced wherever it stands as a whole word, including inside longer strings such as evidence
references (``RX1-INT-01``) or figure labels.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from specialmeasures.store.tables import providers, pseudonym_keys

__all__ = ["PREFIX", "Pseudonyms", "site_key", "site_pseudonyms"]

PREFIX = "SITE-"
_SITE = "site"


def site_key(engine: Engine) -> bytes:
    """The secret key of site pseudonyms, made at random and stored on first use."""
    with engine.connect() as conn:
        found = conn.execute(
            select(pseudonym_keys.c.secret).where(pseudonym_keys.c.purpose == _SITE)
        ).scalar_one_or_none()
    if found is None:
        try:
            with engine.begin() as conn:
                conn.execute(
                    insert(pseudonym_keys).values(
                        purpose=_SITE,
                        secret=secrets.token_hex(32),
                        created_at=datetime.now(UTC).replace(tzinfo=None),
                    )
                )
        except IntegrityError:  # another worker made it first: use theirs
            pass
        return site_key(engine)
    return bytes.fromhex(found)


class Pseudonyms:
    """Codes and names of known trusts, each mapped to its keyed pseudonym.

    Examples
    --------
    >>> p = Pseudonyms(b"k" * 32, {"ZA1": "Fictional Hospital NHS Trust"})
    >>> p.code("ZA1") == p.code("za1") and p.code("ZA1").startswith("SITE-")
    True
    >>> shown = p.apply({"site": "ZA1", "refs": "ZA1-INT-01", "name": "Fictional Hospital NHS Trust"})
    >>> shown == {"site": p.code("ZA1"), "refs": p.code("ZA1") + "-INT-01", "name": p.code("ZA1")}
    True
    >>> p.real(p.code("ZA1"))
    'ZA1'
    """

    def __init__(self, key: bytes, names: Mapping[str, str]) -> None:
        self._key = key
        self._codes = {c.upper(): self._make(c.upper()) for c in names}
        self._back = {v: k for k, v in self._codes.items()}
        words: dict[str, str] = dict(self._codes)
        for code, name in names.items():
            if name.strip():
                words[name] = self._codes[code.upper()]
        # Longest first, so a name is replaced before a code inside it.
        alternatives = sorted(words, key=len, reverse=True)
        self._words = words
        self._pattern = (
            re.compile(r"(?<![\w])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w])")
            if alternatives
            else None
        )

    def _make(self, code: str) -> str:
        digest = hmac.new(self._key, code.encode(), hashlib.sha256).hexdigest()
        return f"{PREFIX}{digest[:8].upper()}"

    def code(self, code: str) -> str:
        """The pseudonym of a trust code (known or not)."""
        return self._codes.get(code.upper()) or self._make(code.upper())

    def real(self, pseudonym: str) -> str | None:
        """The trust code a pseudonym stands for, or None when it is none of the known ones."""
        return self._back.get(pseudonym.strip().upper())

    def text(self, value: str) -> str:
        """``value`` with every known trust code and name replaced by its pseudonym."""
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self._words[m.group(1)], value)

    def apply(self, document: Any) -> Any:
        """A copy of ``document`` (dicts, lists, tuples, strings) with codes and names replaced."""
        if isinstance(document, str):
            return self.text(document)
        if isinstance(document, Mapping):
            return {
                (self.text(k) if isinstance(k, str) else k): self.apply(v)
                for k, v in document.items()
            }
        if isinstance(document, list | tuple):
            return [self.apply(v) for v in document]
        return document


def site_pseudonyms(engine: Engine, extra_codes: Iterable[str] = ()) -> Pseudonyms:
    """Pseudonyms of every provider in the register (and ``extra_codes``, e.g. evidence sites)."""
    with engine.connect() as conn:
        names = {str(r.code): str(r.name or "") for r in conn.execute(select(providers))}
    for code in extra_codes:
        names.setdefault(code.upper(), "")
    return Pseudonyms(site_key(engine), names)
