"""Seeded synthetic national dataset: a fictional country of NHS-like trusts, with ground truth.

Synthetic demonstration data — fictional trusts, not real NHS organisations. ``generate`` builds
providers, CQC-style inspections, SMQ/CP/RSP regime episodes and monthly indicators from a latent
quality process, calibrated to the seed paper's counts; ``SyntheticCountry.truth`` keeps the
latent truth apart for testing monitoring and evaluation methods. Pure: imports numpy and the
domain package only.
"""

from specialmeasures.demo.catalogue import CATALOGUE, IndicatorSpec, SmqEffect
from specialmeasures.demo.country import LABEL, Progress, SyntheticCountry, generate
from specialmeasures.demo.observations import ObservationColumns
from specialmeasures.demo.regime import GROUPS, EpisodeTruth, primary_group, trajectory_groups
from specialmeasures.demo.truth import (
    DeteriorationSpell,
    GroundTruth,
    JudgementCase,
    LatentColumns,
)

__all__ = [
    "CATALOGUE",
    "GROUPS",
    "LABEL",
    "DeteriorationSpell",
    "EpisodeTruth",
    "GroundTruth",
    "IndicatorSpec",
    "JudgementCase",
    "LatentColumns",
    "ObservationColumns",
    "Progress",
    "SmqEffect",
    "SyntheticCountry",
    "generate",
    "primary_group",
    "trajectory_groups",
]
