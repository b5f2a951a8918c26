"""The typed question asked to the IJ calculator and the typed answer it gives.

They are kept apart from the calculator so that the parsers, the French rendering and the
Rasa adapters can share them without importing the computation itself.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from assistant.statuses import Status


class MicroActivity(str, enum.Enum):
    """Tax category of a micro-entreprise: it decides the abatement applied to the turnover."""

    VENTE = "vente"
    PRESTATION = "prestation"
    BNC = "bnc"


class Scheme(str, enum.Enum):
    """Which set of IJ rules applies: they differ in cap, paid days and start date."""

    GENERAL = "general"   # artisans, commerçants, micro, non-regulated liberals, conjoints
    LIBERAL = "liberal"   # liberal professions affiliated to a CNAVPL section


class Reason(str, enum.Enum):
    """Why no amount (or a limited one) can be given; explain.py turns it into French."""

    BELOW_THRESHOLD = "below_threshold"
    LAWYER = "lawyer"
    LIBERAL_BEFORE_SCHEME = "liberal_before_scheme"
    RETIREE_EXCLUDED = "retiree_excluded"
    DATE_NOT_COVERED = "date_not_covered"


# Slot values the user may give for the liberal section besides the CNAVPL sections.
CAISSE_REGIME_GENERAL = "regime_general"
CAISSE_LAWYERS = "CNBF"
CAISSE_UNKNOWN = "inconnu"


@dataclass(frozen=True)
class IJRequest:
    """Everything the user told us; either ``incomes`` (one per year) or ``average_income``.

    ``incomes`` are listed oldest first, as people naturally write them ("2023, 2024, 2025");
    for micro-entrepreneurs they are turnovers, the abatement is applied by the calculator.
    A date is optional because most people ask about a leave starting now.
    """

    status: Status
    average_income: Optional[Decimal] = None
    incomes: tuple[Decimal, ...] = ()
    micro_activity: Optional[MicroActivity] = None
    caisse: Optional[str] = None
    leave_start: Optional[dt.date] = None
    leave_days: Optional[int] = None
    hospitalisation: bool = False
    therapeutic_part_time: bool = False
    retired: bool = False

    def __post_init__(self) -> None:
        if (self.average_income is None) == (not self.incomes):
            raise ValueError("give either average_income or incomes, not both or none")
        values = list(self.incomes) + ([self.average_income] if self.average_income is not None else [])
        if any(v < 0 for v in values):
            raise ValueError("incomes cannot be negative")
        if self.leave_days is not None and self.leave_days < 1:
            raise ValueError("leave_days must be at least 1")


@dataclass(frozen=True)
class IJResult:
    """The computed allowance and everything needed to explain it.

    ``daily_amount`` is gross and rounded to the cent; it is zero when ``eligible`` is
    False, with ``reason`` saying why. ``first_paid_day`` is None when it depends on a
    leave length the user did not give (rules of 2018-2021). ``steps`` and ``conditions``
    are French sentences built with the user's own numbers.
    """

    eligible: bool
    reason: Optional[Reason]
    reason_text: str
    daily_amount: Decimal
    leave_start: dt.date
    scheme: Optional[Scheme]
    raam: Optional[Decimal] = None
    waiting_days: Optional[int] = None
    first_paid_day: Optional[int] = None
    last_paid_day: Optional[int] = None
    paid_days: Optional[int] = None
    total: Optional[Decimal] = None
    steps: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
