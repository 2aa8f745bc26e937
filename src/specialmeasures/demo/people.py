"""Invented people for the synthetic demo: Improvement Directors, trust leaders, OAG members.

Synthetic demonstration data — every name is built from invented syllables and ends in
"(synthetic)", so no demo person can be mistaken for a real one.
"""

from __future__ import annotations

import numpy as np

__all__ = ["person_name"]

_FIRST = (
    "Arvel", "Brenna", "Caddow", "Delphy", "Esmer", "Fennick", "Galla", "Hethra", "Ilvane",
    "Jorra", "Kestin", "Lomsey", "Marrow", "Nessa", "Orvin", "Pelly", "Quarle", "Rosbeth",
    "Sallow", "Tamsel", "Ulbry", "Vessa", "Wenlow", "Yarrick",
)  # fmt: skip
_HEAD = ("Ashby", "Brom", "Carrow", "Dun", "Elm", "Fal", "Gorse", "Hal", "Ket", "Lud", "Mor",
         "Nant", "Ost", "Pell", "Quen", "Rave", "Sorr", "Tull", "Vant", "Wick")  # fmt: skip
_TAIL = ("lingham", "mere", "stowe", "wick", "thorpe", "ridge", "combe", "holt", "ley", "brand",
         "field", "wade")  # fmt: skip
_TITLES = ("Dr", "Ms", "Mr", "Prof", "Mx")


def person_name(rng: np.random.Generator, *, title: bool = False) -> str:
    """An invented full name marked "(synthetic)", e.g. 'Dr Nessa Quenholt (synthetic)'."""
    first = _FIRST[int(rng.integers(len(_FIRST)))]
    last = _HEAD[int(rng.integers(len(_HEAD)))] + _TAIL[int(rng.integers(len(_TAIL)))]
    prefix = _TITLES[int(rng.integers(len(_TITLES)))] + " " if title else ""
    return f"{prefix}{first} {last} (synthetic)"
