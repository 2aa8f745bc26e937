"""Errors raised by the domain model.

Every message names the field and the offending value, so that a person reading a one-line error
at the command line (or in an import report) knows what to fix.
"""

from __future__ import annotations

__all__ = ["DomainError", "InputError", "NotFoundError", "SpecialMeasuresError"]


class SpecialMeasuresError(Exception):
    """Base class of every error the platform reports to its users as a one-line message.

    ``exit_code`` is what the command line exits with when this error reaches it.
    """

    exit_code = 1


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


class InputError(SpecialMeasuresError):
    """Bad input data: names the file, row, column and value that are wrong.

    Rows are counted as a person counts them in a spreadsheet: the header is row 1, so the first
    data row is row 2. Commands exit with code 2 on this error and write no partial output.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        shown = f" (value {value!r})" if value is not None else ""
        super().__init__(f"{prefix}: {message}{shown}" if prefix else f"{message}{shown}")
