"""JSON files: an object of scalar values, read without guessing what ``null`` or a list means.

Part of the importers' one validation layer; import it through ``ingest/validation.py``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from specialmeasures.domain.errors import InputError
from specialmeasures.ingest.text_checks import (
    DEFAULT_LIMITS,
    Limits,
    check_text,
    decode,
    read_bytes,
    shown,
)

__all__ = ["json_text", "parse_json_object", "read_json_object"]


def parse_json_object(file: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """A JSON object read from UTF-8 bytes; repeated keys and non-finite numbers are refused."""
    if len(data) > limits.max_bytes:
        raise InputError(f"is more than the {limits.max_bytes:,} bytes an import reads", file=file)
    text = decode(file, data)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise InputError(
                    "the key appears twice in one object: which value holds cannot be known",
                    file=file,
                    column=key,
                    value=key,
                )
            out[key] = value
        return out

    def constant(name: str) -> float:
        raise InputError("is not a finite number (JSON has no NaN or Infinity)", file=file,
                         value=name)  # fmt: skip

    try:
        loaded = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as error:
        raise InputError(
            f"is not JSON: {error.msg} (column {error.colno})", file=file, row=error.lineno
        ) from None
    except RecursionError:
        raise InputError("is not JSON this importer reads: nested too deeply", file=file) from None
    if not isinstance(loaded, dict):
        raise InputError(f"must be a JSON object (got {type(loaded).__name__})", file=file)
    return loaded


def read_json_object(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """:func:`parse_json_object` of the file at ``path``."""
    return parse_json_object(str(path), read_bytes(path, limits), limits)


def json_text(file: str, key: str, value: object, *, max_length: int | None = None) -> str:
    """A JSON value stored as text: a string, or a finite number written as JSON writes it.

    ``null``, ``true``/``false``, lists and objects are refused rather than stored as
    ``"None"``, ``"True"`` or a Python repr.
    """
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        kind = {type(None): "null", bool: "a boolean", list: "a list", dict: "an object"}
        raise InputError(
            f"must be text or a number, not {kind[type(value)]}",
            file=file,
            column=key,
            value=shown(json.dumps(value)),
        )
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError("is not a finite number", file=file, column=key, value=value)
        text = json.dumps(value)
    else:
        text = str(value)
    return check_text(text, file=file, row=None, column=key, max_length=max_length)
