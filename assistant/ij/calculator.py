"""The daily sickness allowance (IJ) of a self-employed worker, computed from the rules in force.

One function, ``compute``: it picks the rules of the leave's date (cap, threshold, waiting
days, liberal scheme, retiree limits), applies them to what the user told us and returns
the amount with every step in French, so that the user can check the figures against the
CPAM's letter. All parameters come from ``knowledge/ij/`` through ``params.load_params``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, Sequence

from assistant.ij import explain
from assistant.ij.model import (CAISSE_LAWYERS, CAISSE_REGIME_GENERAL, IJRequest, IJResult, Reason, Scheme)
from assistant.ij.money import round_amount
from assistant.ij.params import IJParams, Section, load_params
from assistant.statuses import Status


@dataclass(frozen=True)
class _Profile:
    """Which rules apply to this person, derived once from status and caisse."""

    scheme: Scheme
    micro: bool
    conjoint: bool
    retired: bool
    lawyer: bool
    section: Optional[Section]
    caisse_unknown: bool


@dataclass(frozen=True)
class _Assessment:
    """RAAM of one set of years and what it gives; two sets compete when 2020 is neutralised."""

    years: tuple[int, ...]
    bases: tuple[Decimal, ...]
    raam: Decimal
    threshold: Decimal
    daily: Decimal  # before the cap; zero below the threshold

    @property
    def eligible(self) -> bool:
        return self.raam >= self.threshold


def _profile(request: IJRequest, params: IJParams) -> _Profile:
    caisse = request.caisse
    section = params.sections.get(caisse) if caisse else None
    status = request.status
    retired = request.retired or status is Status.RETRAITE
    micro = status is Status.MICRO_ENTREPRENEUR or (status is Status.RETRAITE and request.micro_activity is not None)
    lawyer = caisse == CAISSE_LAWYERS and status in (Status.PROFESSION_LIBERALE, Status.MICRO_ENTREPRENEUR)
    if status is Status.PROFESSION_LIBERALE:
        liberal = caisse != CAISSE_REGIME_GENERAL
    else:
        liberal = micro and section is not None  # a CIPAV micro-entrepreneur follows the liberal scheme
    return _Profile(
        scheme=Scheme.LIBERAL if liberal else Scheme.GENERAL,
        micro=micro,
        conjoint=status is Status.CONJOINT_COLLABORATEUR,
        retired=retired,
        lawyer=lawyer,
        section=section,
        caisse_unknown=status is Status.PROFESSION_LIBERALE and section is None and caisse != CAISSE_REGIME_GENERAL,
    )


def _refusal(reason: Reason, text: str, leave: dt.date, scheme: Optional[Scheme],
             steps: Sequence[str] = (), raam: Optional[Decimal] = None, params: Optional[IJParams] = None) -> IJResult:
    conditions = (params.conditions_summary,) if params else ()
    return IJResult(eligible=False, reason=reason, reason_text=text, daily_amount=Decimal(0), leave_start=leave,
                    scheme=scheme, raam=raam, steps=tuple(steps), conditions=conditions)


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


class _Computation:
    """Holds the request, the rules and the steps being written while computing."""

    def __init__(self, request: IJRequest, params: IJParams, leave: dt.date) -> None:
        self.request = request
        self.params = params
        self.leave = leave
        self.year = leave.year
        self.years = params.reference_years_for(leave.year)
        self.steps: list[str] = []
        self.notes: list[str] = []

    # -- incomes --------------------------------------------------------------------------

    def _base(self, declared: Decimal, year_or_years: Sequence[int], profile: _Profile) -> Decimal:
        """Income retained for one year (or for the average): abatement, then contribution floor."""
        p = self.params
        if profile.micro:
            activity = self.request.micro_activity
            if activity is None:
                raise ValueError("micro_activity is required for a micro-entrepreneur")
            abatement = p.abatements[activity]
            base = declared * (Decimal(1) - abatement.rate)
            self.steps.append(explain.step_abatement(declared, abatement.rate, abatement.label, base))
            if not p.floor_applies_to_micro:
                return base
            declared = base
        floor = p.floor_fraction * _mean([p.pass_for(y) for y in year_or_years])
        if declared < floor:
            label = str(year_or_years[0]) if len(year_or_years) == 1 else (
                f"moyenne {year_or_years[0]} à {year_or_years[-1]}")
            self.steps.append(explain.step_floor(label, floor, p.floor_fraction, declared))
            return floor
        return declared

    def _assess(self, years: tuple[int, ...], bases: tuple[Decimal, ...]) -> _Assessment:
        p = self.params
        raam = _mean(bases)
        # D622-8: the PASS of the years the average is made of (2020 left out when neutralised)
        threshold = p.threshold_fraction * _mean([p.pass_for(y) for y in years])
        daily = raam / p.divisor if raam >= threshold else Decimal(0)
        return _Assessment(years, bases, raam, threshold, daily)

    def income_assessment(self, profile: _Profile) -> _Assessment:
        request, p = self.request, self.params
        if request.average_income is not None:
            self.steps.append(explain.step_average_income(request.average_income, profile.micro))
            base = self._base(request.average_income, self.years, profile)
            if not profile.micro and base != request.average_income:
                self.notes.append(explain.note_average_floor(p.floor_fraction))
            return self._assess(self.years, (base,))

        incomes = request.incomes[-len(self.years):]
        years = self.years[-len(incomes):]
        if len(incomes) < len(self.years):
            self.notes.append(explain.note_partial_years(len(incomes), p.reference_years))
        self.steps.append(explain.step_yearly_incomes(zip(years, incomes), profile.micro))
        bases = tuple(self._base(value, (year,), profile) for year, value in zip(years, incomes))
        full = self._assess(years, bases)
        neutral = p.neutralisation_for(self.leave)
        if neutral is None or neutral.year not in years or len(years) <= 1:
            return full
        kept = [(y, b) for y, b in zip(years, bases) if y != neutral.year]
        without = self._assess(tuple(y for y, _ in kept), tuple(b for _, b in kept))
        use_full = full.daily >= without.daily
        self.steps.append(explain.step_neutralised(use_full, neutral.note))
        return full if use_full else without

    # -- the whole computation --------------------------------------------------------------

    def run(self) -> IJResult:
        request, p, leave = self.request, self.params, self.leave
        if self.years[0] < p.first_year or self.year > p.last_year:
            return _refusal(Reason.DATE_NOT_COVERED, explain.reason_date(p.first_year + p.reference_years,
                                                                           p.last_year), leave, None, params=p)
        profile = _profile(request, p)
        if profile.lawyer:
            return _refusal(Reason.LAWYER, p.lawyers_text, leave, None)
        rules = p.schemes[profile.scheme]
        if leave < rules.start:
            if profile.scheme is Scheme.LIBERAL:
                return _refusal(Reason.LIBERAL_BEFORE_SCHEME, explain.reason_liberal_before(
                    rules.start, p.sections.values()), leave, profile.scheme, params=p)
            return _refusal(Reason.DATE_NOT_COVERED, explain.reason_date(rules.start.year, p.last_year),
                            leave, None, params=p)
        if profile.retired and leave < p.retirees_excluded_before:
            return _refusal(Reason.RETIREE_EXCLUDED, explain.reason_retiree(
                p.retirees_excluded_before, p.retirees_max_days_total), leave, profile.scheme, params=p)

        pass_year = p.pass_for(self.year)
        raam: Optional[Decimal] = None
        if profile.conjoint:
            daily = round_amount(p.conjoint_fraction * pass_year / p.divisor, p.rounding_decimals, p.rounding_mode)
            self.steps.append(explain.step_conjoint(self.year, p.conjoint_fraction, pass_year, p.divisor, daily))
        else:
            self.steps.insert(0, explain.step_reference_years(self.years, leave))
            assessment = self.income_assessment(profile)
            raam = assessment.raam
            if len(assessment.bases) > 1:
                self.steps.append(explain.step_raam(assessment.bases, raam))
            if not assessment.eligible:
                self.steps.append(explain.step_threshold_ko(raam, assessment.threshold, p.threshold_fraction,
                                                            assessment.years))
                return _refusal(Reason.BELOW_THRESHOLD, explain.reason_below_threshold(
                    raam, assessment.threshold, p.threshold_fraction, assessment.years), leave, profile.scheme,
                    self.steps, raam, p)
            if profile.micro:
                self.steps.append(explain.step_threshold_ok(raam, assessment.threshold, p.threshold_fraction,
                                                            assessment.years))
            uncapped = round_amount(assessment.daily, p.rounding_decimals, p.rounding_mode)
            self.steps.append(explain.step_division(raam, p.divisor, uncapped))
            cap = round_amount(rules.cap_pass_multiple * pass_year / p.divisor, p.rounding_decimals, p.rounding_mode)
            if uncapped > cap:
                daily = cap
                self.steps.append(explain.step_cap_applied(self.year, rules.cap_pass_multiple, pass_year,
                                                           p.divisor, cap))
            else:
                daily = uncapped
                self.steps.append(explain.step_cap_ok(self.year, rules.cap_pass_multiple, p.divisor, cap))
            if profile.caisse_unknown:
                self.notes.append(explain.step_liberal_unknown_caisse())

        if request.therapeutic_part_time:
            reduced = round_amount(daily * p.tpt_factor, p.rounding_decimals, p.rounding_mode)
            self.steps.append(explain.step_tpt(daily, p.tpt_factor, reduced, p.tpt_max_days, p.tpt_max_days_ald))
            daily = reduced
        return self._with_days(profile, daily, raam)

    def _with_days(self, profile: _Profile, daily: Decimal, raam: Optional[Decimal]) -> IJResult:
        request, p, leave = self.request, self.params, self.leave
        rules = p.schemes[profile.scheme]
        last_paid_day = rules.last_paid_day
        if request.therapeutic_part_time:
            first_paid_day: Optional[int] = 1
            last_paid_day = p.tpt_max_days
            self.steps.append(explain.step_tpt_days())
        else:
            waiting = rules.waiting_rule(leave)
            assert waiting is not None, f"no waiting rule for {leave} in {rules.scheme}"
            first_paid_day = waiting.first_day(request.leave_days, request.hospitalisation)
            self.steps.append(explain.step_waiting(waiting, first_paid_day, leave, request.hospitalisation))
            if rules.last_paid_day is not None:
                self.steps.append(explain.step_liberal(profile.section, rules.last_paid_day, p.sections.values()))

        paid_days = total = None
        if request.leave_days is not None and first_paid_day is not None:
            last = request.leave_days if last_paid_day is None else min(request.leave_days, last_paid_day)
            paid_days = max(0, last - first_paid_day + 1)
            paid_days = min(paid_days, p.max_paid_days_per_3_years)
            if profile.retired:
                paid_days = min(paid_days, p.retirees_max_days_total)
            total = daily * paid_days
            self.steps.append(explain.step_total(request.leave_days, paid_days, daily, total))

        if profile.retired:
            self.notes.append(explain.note_retiree(p.retirees_max_days_total))
            if request.status is Status.RETRAITE and not profile.micro:
                self.notes.append(explain.note_retiree_status())
        if not request.therapeutic_part_time and profile.scheme is Scheme.GENERAL:
            self.notes.append(explain.note_max_days(p.max_paid_days_per_3_years, p.limits_period_years,
                                                    p.ald_max_years))
        return IJResult(
            eligible=True, reason=None, reason_text="", daily_amount=daily, leave_start=leave,
            scheme=profile.scheme, raam=raam,
            waiting_days=None if first_paid_day is None else first_paid_day - 1,
            first_paid_day=first_paid_day, last_paid_day=last_paid_day, paid_days=paid_days, total=total,
            steps=tuple(self.steps), conditions=(p.conditions_summary,) + p.conditions_details,
            notes=tuple(self.notes),
        )


def compute(request: IJRequest, today: Optional[dt.date] = None, params: Optional[IJParams] = None) -> IJResult:
    """Compute the gross daily IJ for ``request``; a leave without date starts ``today``."""
    params = params or load_params()
    leave = request.leave_start or today or dt.date.today()
    return _Computation(request, params, leave).run()
