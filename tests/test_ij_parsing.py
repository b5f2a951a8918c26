"""French free-text parsing for the IJ form: amounts, what is not an amount, activities,
caisses, leave length, hospitalisation, mi-temps thérapeutique, retirees and dates."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ij import (AmountError, AmountErrorKind, MicroActivity, format_euros, parse_activity, parse_amount,
                          parse_caisse, parse_hospitalisation, parse_incomes, parse_leave_date, parse_leave_days,
                          parse_retired, parse_therapeutic_part_time)

D = Decimal
TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("text, expected", [
    ("20 000 €", "20000"),
    ("20000", "20000"),
    ("20k", "20000"),
    ("20 k€", "20000"),
    ("20K", "20000"),
    ("20 keur", "20000"),
    ("20.000", "20000"),
    ("20,000", "20000"),
    ("20 000,50", "20000.50"),
    ("20000,50 €", "20000.50"),
    ("20 000 euros", "20000"),
    ("20 000 EUR", "20000"),
    ("20000e", "20000"),
    ("€20000", "20000"),
    ("20\u202f000\u00a0€", "20000"),
    ("20'000", "20000"),
    ("vingt mille euros", "20000"),
    ("trente-cinq mille cinq cents euros", "35500"),
    ("quatre-vingt-dix mille", "90000"),
    ("cent vingt mille €", "120000"),
    ("30 mille", "30000"),
    ("1,5 million", "1500000"),
    ("1,5 millions d'euros", "1500000"),
    ("20.5k", "20500"),
    ("1 234 567", "1234567"),
    ("1.234.567 €", "1234567"),
    ("environ 42 000 € de revenu", "42000"),
    ("mon revenu moyen est de 30000", "30000"),
    ("j'ai fait 55 500€ de CA", "55500"),
    ("non, 25 000", "25000"),
    ("commerçant - 30 000 €", "30000"),
    ("ca de 55 500€ en vente", "55500"),
    ("je gagne moins de 10 000 € par an", "10000"),
    ("1 500 € par mois", "18000"),
    ("2 000 €", "2000"),
    ("entre 25 000 et 30 000 €", "27500"),
])
def test_amounts_in_many_forms(text, expected):
    assert parse_amount(text) == D(expected)


@pytest.mark.parametrize("text, expected", [
    ("25 000, 30 000 et 35 000", ("25000", "30000", "35000")),
    ("25k 30k 35k", ("25000", "30000", "35000")),
    ("25000,30000,35000", ("25000", "30000", "35000")),
    ("2023 : 25 000 €, 2024 : 30 000 €, 2025 : 35 000 €", ("25000", "30000", "35000")),
    ("25 000 - 30 000 - 35 000", ("25000", "30000", "35000")),
])
def test_three_years_separately(text, expected):
    assert parse_incomes(text) == tuple(D(v) for v in expected)


@pytest.mark.parametrize("text", [
    "10 jours", "arrêt de 2 semaines", "un mois", "pendant trois mois", "en 2019", "arrêt en 2019",
    "le 3 mars 2019", "03/03/2019", "30 %", "71%", "abattement de 50 pour cent", "les 3 dernières années",
    "sur 3 ans", "sous 48 h", "depuis 15j", "le 2e jour", "je suis artisan", "j'habite au 75001", "",
    "combien je toucherai en arrêt maladie ?", "un arrêt de travail", "au moins 50 € par jour ?",
])
def test_things_that_are_not_amounts(text):
    assert parse_incomes(text) is None


def test_mixed_sentence_keeps_only_the_income():
    text = "commerçant, 42 000 € de revenu, arrêt de 10 jours le 3 mars 2025, 3 jours de carence ?"
    assert parse_incomes(text) == (D(42000),)


def test_bare_small_number_only_when_the_income_was_asked():
    assert parse_incomes("900") is None
    assert parse_incomes("900", expecting=True) == (D(900),)
    assert parse_incomes("0", expecting=True) == (D(0),)
    assert parse_incomes("zéro", expecting=True) == (D(0),)
    assert parse_incomes("rien du tout", expecting=True) == (D(0),)


@pytest.mark.parametrize("text, kind", [
    ("-5000", AmountErrorKind.NEGATIVE),
    ("revenu : -5 000 €", AmountErrorKind.NEGATIVE),
    ("moins 3000", AmountErrorKind.NEGATIVE),
    ("déficit de 3 000 €", AmountErrorKind.NEGATIVE),
    ("15 millions", AmountErrorKind.TOO_LARGE),
    ("50 000 000 €", AmountErrorKind.TOO_LARGE),
    ("10 000, 20 000, 30 000 et 40 000", AmountErrorKind.TOO_MANY),
])
def test_absurd_amounts_raise_a_typed_error(text, kind):
    with pytest.raises(AmountError) as caught:
        parse_incomes(text)
    assert caught.value.kind is kind


@pytest.mark.parametrize("text", ["2O OOO", "20abc", "3o.ooo €"])
def test_letters_in_a_number_are_reported_when_the_income_was_asked(text):
    with pytest.raises(AmountError) as caught:
        parse_incomes(text, expecting=True)
    assert caught.value.kind is AmountErrorKind.NOT_A_NUMBER


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=9_999_999, places=2, allow_nan=False, allow_infinity=False))
def test_every_formatted_amount_reads_back(value):
    assert parse_amount(format_euros(value)) == value
    assert parse_amount(format_euros(value).replace(" ", ".", 1) if value >= 1000 else format_euros(value)) == value


@pytest.mark.parametrize("text, expected", [
    ("vente de marchandises", MicroActivity.VENTE),
    ("je fais de l'achat-revente", MicroActivity.VENTE),
    ("vante de marchandise", MicroActivity.VENTE),
    ("prestation de services commerciale ou artisanale", MicroActivity.PRESTATION),
    ("prestaton de service", MicroActivity.PRESTATION),
    ("prestation de services BIC", MicroActivity.PRESTATION),
    ("BNC", MicroActivity.BNC),
    ("activité libérale", MicroActivity.BNC),
    ("je suis consultant", MicroActivity.BNC),
    ("je ne sais pas", None),
    ("avec plaisir", None),
])
def test_micro_activity(text, expected):
    assert parse_activity(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("CARMF", "CARMF"), ("carpinko", "CARPIMKO"), ("la cipav", "CIPAV"), ("je suis kiné", "CARPIMKO"),
    ("avocat", "CNBF"), ("régime général", "regime_general"), ("je ne sais pas", "inconnu"),
    ("avec plaisir", None), ("cave à vin", None),
])
def test_caisse(text, expected):
    assert parse_caisse(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("arrêt de 10 jours", 10), ("10j", 10), ("2 semaines", 14), ("trois semaines", 21), ("un mois", 30),
    ("un mois et demi", 45), ("1 mois et 10 jours", 40), ("quinze jours", 15), ("depuis 3 semaines", 21),
    ("3 jours de carence", None), ("sous 48 h", None), ("commerçant, 42 000 €", None),
])
def test_leave_length(text, expected):
    assert parse_leave_days(text) == expected


@pytest.mark.parametrize("text, hospital, tpt, retired", [
    ("je suis hospitalisé", True, None, None),
    ("pas d'hospitalisation", False, None, None),
    ("mi-temps thérapeutique", None, True, None),
    ("reprise en temps partiel therapeutique", None, True, None),
    ("pas de mi temps therapeutique", None, False, None),
    ("je suis retraité et artisan", None, None, True),
    ("cumul emploi-retraite", None, None, True),
    ("Retraité", None, None, True),
    ("ma caisse de retraite est la CIPAV", None, None, None),
])
def test_yes_no_facts(text, hospital, tpt, retired):
    assert parse_hospitalisation(text) == hospital
    assert parse_therapeutic_part_time(text) == tpt
    assert parse_retired(text) == retired


@pytest.mark.parametrize("text, expected", [
    ("arrêt en 2019", dt.date(2019, 1, 1)),
    ("le 3 mars 2019", dt.date(2019, 3, 3)),
    ("le 1er juillet 2021", dt.date(2021, 7, 1)),
    ("03/03/2019", dt.date(2019, 3, 3)),
    ("2022-02-01", dt.date(2022, 2, 1)),
    ("mars 2020", dt.date(2020, 3, 1)),
    ("hier", dt.date(2026, 11, 22)),
    ("en 2026", TODAY),
    ("revenus 2023 : 25 000 €", None),
    ("en 2019 et en 2020", None),
    ("arrêt de 10 jours", None),
    ("le 31 février 2019", None),
    ("j'ai gagné 25 000 en 2024", None),
    ("en 2019 j'ai gagné 20 000", None),
    ("arrêt maladie en 2019, revenu 20 000 €", dt.date(2019, 1, 1)),
])
def test_leave_date(text, expected):
    assert parse_leave_date(text, today=TODAY) == expected
