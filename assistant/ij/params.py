"""Typed view of ``knowledge/ij/pass.yml`` and ``knowledge/ij/rules.yml``.

The calculator never holds a legal number itself: every rate, cap, threshold and period
comes from those two files, each with its source and check date, so that a rule change is
a YAML edit reviewed against its source. This module refuses a file whose provenance is
missing, and turns periods into dates so that the rules of the leave's date are used.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from assistant.ij.model import MicroActivity, Scheme
from assistant.knowledge import KnowledgeError, load_yaml, require_provenance

PASS_FILE = "ij/pass.yml"
RULES_FILE = "ij/rules.yml"


def _dec(value: Any) -> Decimal:
    """YAML numbers come as int/float; go through ``str`` so 0.71 stays exactly 0.71."""
    return Decimal(str(value))


@dataclass(frozen=True)
class Period:
    """Inclusive date range; ``end`` None means still in force."""

    start: dt.date
    end: Optional[dt.date]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class WaitingRule:
    """When payment starts for a leave beginning in ``period``.

    Before July 2021 the first paid day depended on the leave's length and on
    hospitalisation; ``first_paid_day_long_or_hospital`` holds that faster start.
    """

    period: Period
    first_paid_day: int
    first_paid_day_long_or_hospital: Optional[int] = None
    long_leave_over_days: Optional[int] = None
    uncertain: Optional[str] = None

    @property
    def depends_on_length(self) -> bool:
        return self.first_paid_day_long_or_hospital is not None

    def first_day(self, leave_days: Optional[int], hospitalisation: bool) -> Optional[int]:
        """First paid day of the leave, or None when it depends on an unknown length."""
        if not self.depends_on_length:
            return self.first_paid_day
        if hospitalisation:
            return self.first_paid_day_long_or_hospital
        if leave_days is None:
            return None
        assert self.long_leave_over_days is not None
        if leave_days > self.long_leave_over_days:
            return self.first_paid_day_long_or_hospital
        return self.first_paid_day


@dataclass(frozen=True)
class SchemeRules:
    scheme: Scheme
    label: str
    start: dt.date
    cap_pass_multiple: Decimal
    last_paid_day: Optional[int]
    waiting: tuple[WaitingRule, ...]

    def waiting_rule(self, day: dt.date) -> Optional[WaitingRule]:
        return next((rule for rule in self.waiting if rule.period.contains(day)), None)


@dataclass(frozen=True)
class Abatement:
    activity: MicroActivity
    rate: Decimal
    label: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Neutralisation:
    """A year whose income counts only if it raises the IJ (COVID measures of 2021-2022)."""

    period: Period
    year: int
    note: str


@dataclass(frozen=True)
class Section:
    code: str
    label: str
    pays_after_day_90: bool


@dataclass(frozen=True)
class IJParams:
    pass_by_year: dict[int, Decimal]
    divisor: Decimal
    reference_years: int
    rounding_decimals: int
    rounding_mode: str
    threshold_fraction: Decimal
    floor_fraction: Decimal
    floor_applies_to_micro: bool
    conjoint_fraction: Decimal
    abatements: dict[MicroActivity, Abatement]
    schemes: dict[Scheme, SchemeRules]
    max_paid_days_per_3_years: int
    limits_period_years: int
    ald_max_years: int
    tpt_factor: Decimal
    tpt_max_days: int
    tpt_max_days_ald: int
    retirees_excluded_before: dt.date
    retirees_max_days_total: int
    neutralisations: tuple[Neutralisation, ...]
    sections: dict[str, Section]
    lawyers_caisse: str
    lawyers_text: str
    csg_rate: Decimal
    crds_rate: Decimal
    conditions_summary: str
    conditions_details: tuple[str, ...]
    declaration_text: str
    reference_text: str

    def pass_for(self, year: int) -> Decimal:
        try:
            return self.pass_by_year[year]
        except KeyError:
            raise KnowledgeError(f"{PASS_FILE}: no PASS for {year}") from None

    @property
    def first_year(self) -> int:
        return min(self.pass_by_year)

    @property
    def last_year(self) -> int:
        return max(self.pass_by_year)

    def reference_years_for(self, leave_year: int) -> tuple[int, ...]:
        """The calendar years whose incomes make the RAAM, oldest first."""
        return tuple(range(leave_year - self.reference_years, leave_year))

    def neutralisation_for(self, day: dt.date) -> Optional[Neutralisation]:
        return next((n for n in self.neutralisations if n.period.contains(day)), None)


def _period(record: dict, where: str) -> Period:
    start, end = record.get("from"), record.get("to")
    if not isinstance(start, dt.date) or not (end is None or isinstance(end, dt.date)):
        raise KnowledgeError(f"{where}: 'from'/'to' must be dates")
    return Period(start, end)


def _waiting(records: list, where: str) -> tuple[WaitingRule, ...]:
    rules = []
    for index, record in enumerate(records):
        here = f"{where}[{index}]"
        require_provenance(record, here)
        rules.append(WaitingRule(
            period=_period(record, here),
            first_paid_day=int(record["first_paid_day"]),
            first_paid_day_long_or_hospital=record.get("first_paid_day_long_or_hospital"),
            long_leave_over_days=record.get("long_leave_over_days"),
            uncertain=record.get("uncertain"),
        ))
    ordered = sorted(rules, key=lambda r: r.period.start)
    for before, after in zip(ordered, ordered[1:]):
        if before.period.end is None or before.period.end >= after.period.start:
            raise KnowledgeError(f"{where}: periods overlap")
    return tuple(ordered)


def _load_pass() -> dict[int, Decimal]:
    data = load_yaml(PASS_FILE)
    require_provenance(data, PASS_FILE)
    table = {}
    for year, record in data["years"].items():
        annual, monthly = _dec(record["annual"]), _dec(record["monthly"])
        if annual != monthly * 12:
            raise KnowledgeError(f"{PASS_FILE}: {year}: annual is not 12 × monthly")
        if not record.get("source"):
            raise KnowledgeError(f"{PASS_FILE}: {year}: no source")
        table[int(year)] = annual
    years = sorted(table)
    if years != list(range(years[0], years[-1] + 1)):
        raise KnowledgeError(f"{PASS_FILE}: years must be consecutive")
    return table


@functools.lru_cache(maxsize=None)
def load_params() -> IJParams:
    """Read and check both files once per process (the Rasa actions call this every turn)."""
    rules = load_yaml(RULES_FILE)
    require_provenance(rules, RULES_FILE)
    for key in ("formula", "threshold", "contribution_floor", "conjoint_collaborateur", "micro_abatements",
                "limits", "therapeutic_part_time", "retirees", "liberal_sections", "lawyers",
                "social_contributions", "conditions", "declaration", "reference"):
        require_provenance(rules[key], f"{RULES_FILE}: {key}")
    for index, record in enumerate(rules["neutralised_years"]):
        require_provenance(record, f"{RULES_FILE}: neutralised_years[{index}]")

    formula = rules["formula"]
    abatements = {}
    for activity in MicroActivity:
        record = rules["micro_abatements"][activity.value]
        abatements[activity] = Abatement(activity, _dec(record["rate"]), record["label"], tuple(record["words"]))

    schemes = {}
    for scheme in Scheme:
        record = rules["schemes"][scheme.value]
        where = f"{RULES_FILE}: schemes.{scheme.value}"
        require_provenance(record, where)
        schemes[scheme] = SchemeRules(
            scheme=scheme,
            label=record["label"],
            start=record["start"],
            cap_pass_multiple=_dec(record["cap_pass_multiple"]),
            last_paid_day=record.get("last_paid_day"),
            waiting=_waiting(record["waiting"], f"{where}.waiting"),
        )

    sections = {
        code: Section(code, value["label"], bool(value["pays_after_day_90"]))
        for code, value in rules["liberal_sections"]["sections"].items()
    }
    tpt = rules["therapeutic_part_time"]
    contributions = rules["social_contributions"]
    return IJParams(
        pass_by_year=_load_pass(),
        divisor=_dec(formula["divisor"]),
        reference_years=int(formula["reference_years"]),
        rounding_decimals=int(formula["rounding_decimals"]),
        rounding_mode=formula["rounding_mode"],
        threshold_fraction=_dec(rules["threshold"]["fraction_of_average_pass"]),
        floor_fraction=_dec(rules["contribution_floor"]["fraction_of_pass"]),
        floor_applies_to_micro=bool(rules["contribution_floor"]["applies_to_micro"]),
        conjoint_fraction=_dec(rules["conjoint_collaborateur"]["fraction_of_pass"]),
        abatements=abatements,
        schemes=schemes,
        max_paid_days_per_3_years=int(rules["limits"]["max_paid_days_per_3_years"]),
        limits_period_years=int(rules["limits"]["period_years"]),
        ald_max_years=int(rules["limits"]["ald_max_years"]),
        tpt_factor=_dec(tpt["factor"]),
        tpt_max_days=int(tpt["max_days"]),
        tpt_max_days_ald=int(tpt["max_days_ald"]),
        retirees_excluded_before=rules["retirees"]["excluded_before"],
        retirees_max_days_total=int(rules["retirees"]["max_days_total"]),
        neutralisations=tuple(
            Neutralisation(_period(r, f"{RULES_FILE}: neutralised_years"), int(r["year"]), r["note"])
            for r in rules["neutralised_years"]
        ),
        sections=sections,
        lawyers_caisse=rules["lawyers"]["caisse"],
        lawyers_text=rules["lawyers"]["text"],
        csg_rate=_dec(contributions["csg_rate"]),
        crds_rate=_dec(contributions["crds_rate"]),
        conditions_summary=rules["conditions"]["summary"],
        conditions_details=tuple(rules["conditions"]["details"]),
        declaration_text=rules["declaration"]["text"],
        reference_text=rules["reference"]["text"],
    )
