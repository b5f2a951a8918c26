"""The IJ calculator against the official worked examples, the rules of each period, and
properties that must hold for any income (monotonic, capped, never negative)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ij import IJRequest, MicroActivity, Reason, Scheme, compute, format_euros, load_params, render_answer
from assistant.ij.money import round_amount
from assistant.statuses import Status

D = Decimal
LEAVE_2018 = dt.date(2018, 6, 1)
LEAVE_2019 = dt.date(2019, 6, 1)
TODAY = dt.date(2026, 11, 23)


def ij(status: Status, income, day: dt.date = TODAY, **kwargs):
    return compute(IJRequest(status=status, average_income=D(income), leave_start=day, **kwargs))


# --- the five examples of the official page (2018 parameters) --------------------------------

def test_seed_case_1_low_income_gets_the_minimum_except_micro():
    # "2 500 < 3 862,80 € donc l'IJ est de 21 €" (environ) ; "nulle pour les micro-entrepreneurs"
    artisan = ij(Status.ARTISAN, 2500, LEAVE_2018)
    assert artisan.eligible and artisan.daily_amount == D("21.17")  # 40 % × PASS moyen 2015-2017 / 730
    micro = ij(Status.MICRO_ENTREPRENEUR, 2500, LEAVE_2018, micro_activity=MicroActivity.VENTE)
    assert not micro.eligible and micro.daily_amount == 0 and micro.reason is Reason.BELOW_THRESHOLD


def test_seed_case_2_twenty_thousand():
    assert ij(Status.ARTISAN, 20000, LEAVE_2018).daily_amount == D("27.40")


def test_seed_case_3_capped_at_one_pass():
    result = ij(Status.COMMERCANT, 42000, LEAVE_2018)
    assert result.daily_amount == D("54.43")
    assert any("57,53" in step for step in result.steps)  # the uncapped figure is shown too


def test_seed_case_4_micro_sale_of_goods():
    result = ij(Status.MICRO_ENTREPRENEUR, 55500, LEAVE_2018, micro_activity=MicroActivity.VENTE)
    assert result.raam == D("16095")
    assert result.daily_amount == D("22.05")


def test_seed_case_5_micro_below_threshold():
    result = ij(Status.MICRO_ENTREPRENEUR, 10000, LEAVE_2018, micro_activity=MicroActivity.VENTE)
    assert not result.eligible
    assert result.raam == D("2900")
    assert "3 862,80 €" in result.reason_text


def test_seed_figures_come_from_the_parameters_of_their_year():
    p = load_params()
    threshold = lambda year: p.threshold_fraction * sum(p.pass_for(y) for y in p.reference_years_for(year)) / 3
    assert threshold(2018) == D("3862.80") and threshold(2019) == D("3919.20") and threshold(2026) == D("4582.00")
    assert round_amount(threshold(2019) / p.divisor) == D("5.37")  # micro minimum of the 2019 page
    assert ij(Status.ARTISAN, 100000, LEAVE_2019).daily_amount == D("55.51")
    assert ij(Status.CONJOINT_COLLABORATEUR, 0, LEAVE_2018).daily_amount == D("21.77")


# --- the same with 2026 parameters -----------------------------------------------------------------

def test_2026_forty_two_thousand_is_below_the_cap():
    assert ij(Status.ARTISAN, 42000).daily_amount == D("57.53")


def test_2026_commercant_thirty_thousand():
    assert ij(Status.COMMERCANT, 30000).daily_amount == D("41.10")


def test_2026_cap_threshold_and_minimums():
    assert ij(Status.COMMERCANT, 500000).daily_amount == D("65.84")
    assert ij(Status.ARTISAN, 0).daily_amount == D("25.11")  # 40 % of the 2023-2025 average PASS
    assert ij(Status.CONJOINT_COLLABORATEUR, 0).daily_amount == D("26.33")
    micro = ij(Status.MICRO_ENTREPRENEUR, D("6453.53"), micro_activity=MicroActivity.VENTE)  # × 29 % ≈ 1 871,5
    assert not micro.eligible
    at_threshold = ij(Status.MICRO_ENTREPRENEUR, D("9166"), micro_activity=MicroActivity.BNC)  # × 66 % ≥ 4 582
    assert at_threshold.eligible and at_threshold.daily_amount == D("8.29")


def test_micro_abatements():
    for activity, expected in [(MicroActivity.VENTE, "11.92"), (MicroActivity.PRESTATION, "20.55"),
                               (MicroActivity.BNC, "27.12")]:
        assert ij(Status.MICRO_ENTREPRENEUR, 30000, micro_activity=activity).daily_amount == D(expected)


def test_three_yearly_incomes_use_each_year_and_its_floor():
    three = compute(IJRequest(status=Status.ARTISAN, incomes=(D(25000), D(30000), D(35000)), leave_start=TODAY))
    assert three.raam == D(30000) and three.daily_amount == D("41.10")
    # a zero year is raised to 40 % of that year's PASS (2023: 17 596,80 €)
    low = compute(IJRequest(status=Status.ARTISAN, incomes=(D(0), D(30000), D(30000)), leave_start=TODAY))
    assert low.raam == (D("17596.8") + 60000) / 3


def test_2020_income_is_dropped_when_it_lowers_the_allowance_of_a_2022_leave():
    request = IJRequest(status=Status.ARTISAN, incomes=(D(30000), D(5000), D(30000)), leave_start=dt.date(2022, 3, 1))
    result = compute(request)
    assert result.raam == D(30000)  # 2019 and 2021 only
    assert any("2020" in step for step in result.steps)
    plain = compute(IJRequest(status=Status.ARTISAN, incomes=(D(30000), D(5000), D(30000)),
                              leave_start=dt.date(2023, 3, 1)))
    assert plain.raam < D(30000)


# --- waiting days and paid days, period by period ---------------------------------------------------

@pytest.mark.parametrize("day, length, hospital, first, paid", [
    (dt.date(2019, 3, 3), 5, False, 8, 0),       # 2018-2021: short leave paid from day 8
    (dt.date(2019, 3, 3), 10, False, 4, 7),      # longer than 7 days: from day 4
    (dt.date(2019, 3, 3), 5, True, 4, 2),        # hospitalisation: from day 4
    (dt.date(2019, 3, 3), None, False, None, None),  # depends on the length: not guessed
    (dt.date(2020, 4, 15), 5, False, 1, 5),      # state of health emergency 2020
    (dt.date(2021, 6, 30), 5, False, 8, 0),
    (dt.date(2021, 7, 1), 5, False, 4, 2),       # décret 2021-755: 3 waiting days for all
    (TODAY, 10, False, 4, 7),
])
def test_waiting_days_follow_the_rule_of_the_leave_date(day, length, hospital, first, paid):
    result = ij(Status.ARTISAN, 20000, day, leave_days=length, hospitalisation=hospital)
    assert result.first_paid_day == first
    assert result.paid_days == paid
    if paid is not None:
        assert result.total == result.daily_amount * paid


def test_total_for_a_ten_day_leave_today():
    result = ij(Status.COMMERCANT, 42000, leave_days=10)
    assert (result.waiting_days, result.paid_days, result.total) == (3, 7, D("402.71"))


def test_therapeutic_part_time_halves_the_amount_without_new_waiting_days():
    result = ij(Status.COMMERCANT, 30000, therapeutic_part_time=True, leave_days=120)
    assert result.daily_amount == D("20.55")
    assert result.first_paid_day == 1 and result.paid_days == 90


def test_360_days_limit():
    assert ij(Status.ARTISAN, 30000, leave_days=1000).paid_days == 360


# --- professions libérales --------------------------------------------------------------------------

def test_liberal_cnavpl_scheme_cap_and_ninety_days():
    result = ij(Status.PROFESSION_LIBERALE, 50000, caisse="CARPIMKO", leave_days=120)
    assert result.scheme is Scheme.LIBERAL
    assert result.daily_amount == D("68.49")
    assert result.paid_days == 87  # days 4 to 90
    assert any("CARPIMKO" in step and "91e" in step for step in result.steps)
    assert ij(Status.PROFESSION_LIBERALE, 1_000_000, caisse="CIPAV").daily_amount == D("197.51")
    assert any("ne verse pas" in step for step in ij(Status.PROFESSION_LIBERALE, 50000, caisse="CIPAV").steps)
    assert ij(Status.PROFESSION_LIBERALE, 0, caisse="CARMF").daily_amount == D("25.11")


def test_liberal_before_july_2021_gets_nothing():
    result = ij(Status.PROFESSION_LIBERALE, 50000, dt.date(2021, 6, 30), caisse="CARMF")
    assert not result.eligible and result.reason is Reason.LIBERAL_BEFORE_SCHEME


def test_lawyers_are_outside_the_scheme():
    result = ij(Status.PROFESSION_LIBERALE, 50000, caisse="CNBF")
    assert not result.eligible and result.reason is Reason.LAWYER and "CNBF" in result.reason_text


def test_non_regulated_liberal_follows_artisan_rules():
    result = ij(Status.PROFESSION_LIBERALE, 100000, caisse="regime_general", leave_days=120)
    assert result.scheme is Scheme.GENERAL and result.daily_amount == D("65.84") and result.paid_days == 117


def test_unknown_caisse_uses_liberal_rules_and_says_so():
    result = ij(Status.PROFESSION_LIBERALE, 50000, caisse="inconnu")
    assert result.scheme is Scheme.LIBERAL
    assert any("régime général" in note for note in result.notes)


def test_micro_entrepreneur_of_a_cnavpl_section_follows_the_liberal_scheme():
    result = ij(Status.MICRO_ENTREPRENEUR, 60000, micro_activity=MicroActivity.BNC, caisse="CIPAV", leave_days=100)
    assert result.scheme is Scheme.LIBERAL and result.paid_days == 87


# --- retirees, dates not covered ---------------------------------------------------------------------

def test_retiree_limited_to_sixty_days_since_2022_and_excluded_before():
    today = ij(Status.RETRAITE, 30000, leave_days=100)
    assert today.eligible and today.paid_days == 60
    assert any("60 jours" in note for note in today.notes)
    before = ij(Status.ARTISAN, 30000, dt.date(2021, 12, 31), retired=True)
    assert not before.eligible and before.reason is Reason.RETIREE_EXCLUDED


def test_dates_outside_the_parameters_are_refused():
    assert ij(Status.ARTISAN, 30000, dt.date(2017, 12, 31)).reason is Reason.DATE_NOT_COVERED
    assert ij(Status.ARTISAN, 30000, dt.date(2027, 1, 1)).reason is Reason.DATE_NOT_COVERED


def test_request_requires_exactly_one_kind_of_income():
    with pytest.raises(ValueError):
        IJRequest(status=Status.ARTISAN)
    with pytest.raises(ValueError):
        IJRequest(status=Status.ARTISAN, average_income=D(1), incomes=(D(1),))
    with pytest.raises(ValueError):
        IJRequest(status=Status.ARTISAN, average_income=D(-1))


# --- the rendered answer ---------------------------------------------------------------------------

def test_answer_gives_amount_formula_gross_note_conditions_and_where_to_declare():
    text = render_answer(ij(Status.COMMERCANT, 30000, leave_days=10), load_params())
    for fact in ("41,10 €", "30 000 € ÷ 730", "4e jour", "287,70 €", "CSG", "CRDS", "estimation", "12 mois",
                 "48 h", "CPAM"):
        assert fact in text, fact


def test_format_euros():
    assert format_euros(D("27.4")) == "27,40 €"
    assert format_euros(D("1234.56")) == "1 234,56 €"
    assert format_euros(D("54.427")) == "54,43 €"
    assert format_euros(D("1000000")) == "1 000 000,00 €"
    assert format_euros(D("30000"), drop_zero_cents=True) == "30 000 €"


# --- properties ---------------------------------------------------------------------------------------

incomes = st.decimals(min_value=0, max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False)
statuses = st.sampled_from([Status.ARTISAN, Status.COMMERCANT, Status.MICRO_ENTREPRENEUR, Status.PROFESSION_LIBERALE])
days = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2026, 12, 31))
activities = st.sampled_from(list(MicroActivity))


def _request(status, income, day, activity):
    return IJRequest(status=status, average_income=income, leave_start=day,
                     micro_activity=activity if status is Status.MICRO_ENTREPRENEUR else None,
                     caisse="CARMF" if status is Status.PROFESSION_LIBERALE else None)


@settings(max_examples=300, deadline=None)
@given(statuses, incomes, incomes, days, activities)
def test_more_income_never_gives_less(status, a, b, day, activity):
    low, high = sorted((a, b))
    r_low, r_high = compute(_request(status, low, day, activity)), compute(_request(status, high, day, activity))
    assert r_high.daily_amount >= r_low.daily_amount


@settings(max_examples=300, deadline=None)
@given(statuses, incomes, days, activities, st.integers(min_value=1, max_value=1200))
def test_never_negative_never_above_the_cap(status, income, day, activity, length):
    p = load_params()
    request = _request(status, income, day, activity)
    result = compute(IJRequest(**{**request.__dict__, "leave_days": length}))
    assert result.daily_amount >= 0
    if result.eligible:
        cap = round_amount(p.schemes[result.scheme].cap_pass_multiple * p.pass_for(day.year) / p.divisor)
        assert result.daily_amount <= cap
        assert result.total is None or result.total >= 0
        assert result.paid_days is None or 0 <= result.paid_days <= min(length, p.max_paid_days_per_3_years)


# --- parameters live in knowledge/, with their provenance -------------------------------------------

def test_every_rule_has_sources_and_a_check_date():
    from assistant.knowledge import load_yaml, require_provenance

    rules = load_yaml("ij/rules.yml")
    require_provenance(rules, "rules.yml")
    for key, record in rules.items():
        if key in ("sources", "checked"):
            continue
        records = record if isinstance(record, list) else [record]
        if key == "schemes":
            records = list(record.values()) + [w for scheme in record.values() for w in scheme["waiting"]]
        for item in records:
            require_provenance(item, f"rules.yml: {key}")
            assert item["checked"] == dt.date(2026, 11, 23)


def test_calculator_holds_no_legal_number():
    import ast
    from pathlib import Path

    import assistant.ij.calculator as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    numbers = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
               and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)}
    assert numbers <= {0, 1}, numbers
