"""Providers: NHS trusts and foundation trusts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from specialmeasures.domain._checks import (
    require_enum,
    require_finite,
    require_non_negative,
    require_text,
)
from specialmeasures.domain.errors import DomainError

__all__ = ["Provider", "ProviderType", "Setting"]

#: ODS organisation codes of NHS trusts are three alphanumeric characters starting with R or T
#: (e.g. RXX, TAD); five-character site codes are also accepted for completeness.
ODS_CODE = re.compile(r"^[A-Z0-9]{3}(?:[A-Z0-9]{2})?$")


class ProviderType(Enum):
    ACUTE = "acute"
    ACUTE_AND_COMMUNITY = "acute_and_community"
    MENTAL_HEALTH = "mental_health"
    COMMUNITY = "community"
    AMBULANCE = "ambulance"
    SPECIALIST = "specialist"
    #: Not recorded: e.g. a trust created from the ODS register, which carries no trust type.
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        if self is ProviderType.UNKNOWN:
            return "Type not recorded"
        return str(self.value).replace("_", " ").capitalize()


class Setting(Enum):
    URBAN = "urban"
    SEMI_URBAN = "semi_urban"
    RURAL = "rural"
    #: Not recorded: e.g. a trust created from a CQC ratings file, which has no setting column.
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-").capitalize()


@dataclass(frozen=True, slots=True)
class Provider:
    """An NHS provider organisation (trust), identified by its ODS-style code."""

    code: str
    name: str
    type: ProviderType
    teaching: bool
    setting: Setting
    region: str
    system: str
    beds: int | None = None
    annual_income_gbp: float | None = None
    staff_headcount: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    synthetic: bool = False
    #: Opening and closing dates from the ODS register (None when not known, e.g. synthetic
    #: trusts). ODS's close date is the last day the organisation existed, so it is inclusive.
    open_date: date | None = None
    close_date: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not ODS_CODE.match(self.code):
            raise DomainError(
                "provider.code", self.code, "must be an ODS-style code of 3 or 5 capitals/digits"
            )
        require_text("provider.name", self.name)
        object.__setattr__(self, "type", require_enum("provider.type", self.type, ProviderType))
        object.__setattr__(self, "setting", require_enum("provider.setting", self.setting, Setting))
        if not isinstance(self.teaching, bool):
            raise DomainError("provider.teaching", self.teaching, "must be true or false")
        require_text("provider.region", self.region)
        require_text("provider.system", self.system)
        require_non_negative("provider.beds", self.beds)
        require_non_negative("provider.annual_income_gbp", self.annual_income_gbp)
        require_non_negative("provider.staff_headcount", self.staff_headcount)
        require_finite("provider.latitude", self.latitude)
        require_finite("provider.longitude", self.longitude)
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise DomainError("provider.latitude", self.latitude, "must be between -90 and 90")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise DomainError("provider.longitude", self.longitude, "must be between -180 and 180")
        if (
            self.open_date is not None
            and self.close_date is not None
            and self.close_date < self.open_date
        ):
            raise DomainError(
                "provider.close_date", self.close_date, "must not be before open_date"
            )

    def open_on(self, day: date) -> bool:
        """True when the organisation existed on ``day``: opened on or before it, and closed on
        or after it (ODS close dates are inclusive). Unknown dates do not exclude a day."""
        if self.open_date is not None and day < self.open_date:
            return False
        return self.close_date is None or day <= self.close_date

    @property
    def type_label(self) -> str:
        """Trust type as the seed's Table 1 writes it, e.g. 'Acute (teaching hospital)'."""
        label = self.type.label
        return f"{label} (teaching hospital)" if self.teaching else label
