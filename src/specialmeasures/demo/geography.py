"""The fictional country's regions, local systems and trusts (synthetic demonstration data).

Every name is built from invented syllables and carries the word "synthetic"; codes are 'Z' plus
two characters, a prefix no real NHS trust uses. Coordinates fall in a box of open North Atlantic
ocean, so no trust can be placed on a real town.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from specialmeasures.domain import Provider, ProviderType, Setting

__all__ = ["BOUNDING_BOX", "REGIONS", "build_providers", "type_counts"]

#: (south, north, west, east): open ocean far from any coast.
BOUNDING_BOX = (46.0, 52.0, -36.0, -27.0)

REGIONS = (
    "Northreach",
    "Fenward",
    "Midmarch",
    "Westerholt",
    "Saltreach",
    "Eastlow",
    "Highvell",
)

_PREFIXES = (
    "Quen", "Vell", "Oster", "Brae", "Carra", "Duss", "Elwy", "Fals", "Grem", "Jorv",
    "Kell", "Lyr", "Morv", "Nyr", "Orra", "Pell", "Rhun", "Sarn", "Tarr", "Umb",
    "Vey", "Wenn", "Yssel", "Zeph", "Aske", "Bryl", "Cwen", "Drey", "Essa", "Ferr",
)  # fmt: skip
_SUFFIXES = (
    "mere", "wold", "hythe", "stowe", "holt", "garth", "brook", "dale", "ness", "vale",
    "moor", "haven",
)  # fmt: skip

_TYPE_SHARES = {
    ProviderType.ACUTE: 95,
    ProviderType.ACUTE_AND_COMMUNITY: 35,
    ProviderType.MENTAL_HEALTH: 48,
    ProviderType.COMMUNITY: 14,
    ProviderType.AMBULANCE: 10,
    ProviderType.SPECIALIST: 15,
}
_NAME_FORMS = {
    ProviderType.ACUTE: "{place} Hospitals NHS Trust (synthetic)",
    ProviderType.ACUTE_AND_COMMUNITY: "{place} Health and Care NHS Trust (synthetic)",
    ProviderType.MENTAL_HEALTH: "{place} Mind and Wellbeing NHS Trust (synthetic)",
    ProviderType.COMMUNITY: "{place} Community Services NHS Trust (synthetic)",
    ProviderType.AMBULANCE: "{place} Ambulance Service NHS Trust (synthetic)",
    ProviderType.SPECIALIST: "{place} Specialist Hospital NHS Trust (synthetic)",
}
#: (median beds, spread of log beds, income per bed in GBP); ambulance trusts have no beds.
_SIZE = {
    ProviderType.ACUTE: (650, 0.35, 520_000.0),
    ProviderType.ACUTE_AND_COMMUNITY: (750, 0.30, 560_000.0),
    ProviderType.MENTAL_HEALTH: (380, 0.35, 620_000.0),
    ProviderType.COMMUNITY: (120, 0.45, 1_500_000.0),
    ProviderType.SPECIALIST: (260, 0.45, 900_000.0),
}
_GBP_PER_STAFF = 48_000.0


@dataclass(frozen=True, slots=True)
class _System:
    name: str
    region: str
    latitude: float
    longitude: float


def type_counts(n_providers: int) -> dict[ProviderType, int]:
    """Trust types in the proportions of England's 217 trusts (2019), scaled to ``n_providers``."""
    total = sum(_TYPE_SHARES.values())
    counts = {t: round(share * n_providers / total) for t, share in _TYPE_SHARES.items()}
    counts[ProviderType.ACUTE] += n_providers - sum(counts.values())
    return counts


def _place_names(rng: np.random.Generator, count: int) -> list[str]:
    names = [p + s for p in _PREFIXES for s in _SUFFIXES]
    order = rng.permutation(len(names))
    if count > len(names):
        raise ValueError(f"n_providers: at most {len(names) - 60} synthetic trusts can be named")
    return [names[i] for i in order[:count]]


def _systems(rng: np.random.Generator, places: list[str], n_systems: int) -> list[_System]:
    south, north, west, east = BOUNDING_BOX
    systems = []
    for k in range(n_systems):
        region = REGIONS[k % len(REGIONS)]
        band = REGIONS.index(region)
        # Regions are horizontal bands of the box; systems scatter within their band.
        lat = north - (band + float(rng.uniform(0.1, 0.9))) * (north - south) / len(REGIONS)
        lon = float(rng.uniform(west + 0.5, east - 0.5))
        name = f"{places[k]} Integrated Care System (synthetic)"
        systems.append(_System(name, f"{region} (synthetic)", lat, lon))
    return systems


def build_providers(rng: np.random.Generator, n_providers: int) -> tuple[Provider, ...]:
    """The fictional trusts: types, sizes, settings, regions and systems.

    About one local system per five trusts (42 for 217), nested in seven regions.
    """
    south, north, west, east = BOUNDING_BOX
    counts = type_counts(n_providers)
    n_systems = max(len(REGIONS), round(n_providers * 42 / 217))
    places = _place_names(rng, n_providers + n_systems)
    systems = _systems(rng, places[n_providers:], n_systems)
    types = [t for t, c in counts.items() for _ in range(c)]
    types = [types[i] for i in rng.permutation(len(types))]
    providers = []
    for k, kind in enumerate(types):
        system = systems[int(rng.integers(0, n_systems))] if k >= n_systems else systems[k]
        acute = kind in (ProviderType.ACUTE, ProviderType.ACUTE_AND_COMMUNITY)
        teaching = acute and bool(rng.random() < 0.25)
        setting = Setting(rng.choice(["urban", "semi_urban", "rural"], p=[0.45, 0.35, 0.2]))
        if kind is ProviderType.AMBULANCE:
            beds = None
            income = float(rng.uniform(180e6, 420e6))
        else:
            median, spread, per_bed = _SIZE[kind]
            scale = 1.6 if teaching else 1.0
            beds = max(30, round(median * scale * float(np.exp(rng.normal(0.0, spread)))))
            income = beds * per_bed * float(rng.uniform(0.85, 1.15))
        staff = round(income / _GBP_PER_STAFF * float(rng.uniform(0.9, 1.1)))
        providers.append(
            Provider(
                code=_code(k),
                name=_NAME_FORMS[kind].format(place=places[k]),
                type=kind,
                teaching=teaching,
                setting=setting,
                region=system.region,
                system=system.name,
                beds=beds,
                annual_income_gbp=round(income, -3),
                staff_headcount=staff,
                latitude=_inside(system.latitude + float(rng.normal(0.0, 0.25)), south, north),
                longitude=_inside(system.longitude + float(rng.normal(0.0, 0.35)), west, east),
                synthetic=True,
            )
        )
    return tuple(providers)


def _inside(value: float, low: float, high: float) -> float:
    return round(min(max(value, low + 0.01), high - 0.01), 4)


_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXY0123456789"


def _code(k: int) -> str:
    """'Z' and two characters: ZAA, ZAB, ... (no real trust code starts with Z)."""
    n = len(_CODE_CHARS)
    return "Z" + _CODE_CHARS[(k // n) % n] + _CODE_CHARS[k % n]
