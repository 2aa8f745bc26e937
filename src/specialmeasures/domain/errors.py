"""Errors raised by the domain model.

Every message names the field and the offending value, so that a person reading a one-line error
at the command line (or in an import report) knows what to fix.
"""

from __future__ import annotations

__all__ = ["DomainError", "NotFoundError", "SpecialMeasuresError"]


class SpecialMeasuresError(Exception):
    """Base class of every error the platform reports to its users as a one-line message."""


class DomainError(SpecialMeasuresError, ValueError):
    """A value breaks a rule of the domain model."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(f"{field}: {rule} (got {value!r})")


class NotFoundError(SpecialMeasuresError, LookupError):
    """A named thing (provider, indicator, episode) does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"unknown {kind}: {key!r}")
