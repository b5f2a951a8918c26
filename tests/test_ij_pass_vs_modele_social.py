"""knowledge/ij/pass.yml against the Urssaf's own publicodes model (npm ``modele-social``).

The model ships as ``dist/index.js``: a JS module whose ``json`` export is a string literal
holding the rules as JSON. It is read from node_modules with Python, no network and no
Node.js. The rule ``plafond sécurité sociale`` gives monthly values by date; every year
the model covers must match our table. A missing node_modules is a failure, not a skip:
``make install`` (npm ci) must have run, otherwise this check would silently vanish.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.ij.params import load_params
from assistant.knowledge import load_yaml

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "node_modules" / "modele-social" / "dist" / "index.js"
RULE = "plafond sécurité sociale"


def _rules() -> dict:
    assert MODEL.is_file(), f"{MODEL} is missing: run `make install` (npm ci) before the tests"
    source = MODEL.read_text(encoding="utf-8")
    literal = re.search(r"export const json = (?:/\*.*?\*/\s*)?(\"(?:[^\"\\]|\\.)*\")\s*;", source, re.S)
    assert literal, "modele-social/dist/index.js no longer exports `json` as a string literal"
    return json.loads(json.loads(literal.group(1)))


def _monthly_by_year(rules: dict) -> dict[int, Decimal]:
    """Years covered by the rule's variations and their monthly value.

    "date >= 01/2024" holds until the next threshold; the final "sinon" is only known to be
    the value of the year just before the earliest threshold (the model says nothing older).
    """
    variations = rules[RULE]["variations"]
    dated, fallback = [], None
    for variation in variations:
        value = variation.get("alors", variation.get("sinon"))
        amount = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*€/mois\s*", value)
        assert amount, f"unexpected value {value!r} in {RULE}"
        if "si" in variation:
            when = re.fullmatch(r"\s*date\s*>=\s*(\d{2})/(\d{4})\s*", variation["si"])
            assert when and when.group(1) == "01", f"unexpected condition {variation['si']!r}"
            dated.append((int(when.group(2)), Decimal(amount.group(1))))
        else:
            fallback = Decimal(amount.group(1))
    assert dated, f"{RULE} has no dated value"
    dated.sort()
    covered = {}
    for (year, value), following in zip(dated, dated[1:] + [(dated[-1][0] + 1, None)]):
        for covered_year in range(year, following[0]):
            covered[covered_year] = value
    if fallback is not None:
        covered[dated[0][0] - 1] = fallback
    return covered


def test_model_is_installed_and_readable():
    rules = _rules()
    assert RULE in rules and len(_monthly_by_year(rules)) >= 3


def test_pass_table_matches_modele_social_for_every_year_it_covers():
    model = _monthly_by_year(_rules())
    ours = load_yaml("ij/pass.yml")["years"]
    missing = sorted(set(model) - set(ours))
    assert not missing, f"pass.yml lacks years covered by modele-social: {missing}"
    for year, monthly in model.items():
        assert Decimal(str(ours[year]["monthly"])) == monthly, f"{year}: {ours[year]['monthly']} ≠ {monthly}"
        assert load_params().pass_for(year) == monthly * 12


@pytest.mark.parametrize("year, annual", [(2015, 38040), (2018, 39732), (2019, 40524), (2023, 43992), (2026, 48060)])
def test_known_pass_values(year, annual):
    assert load_params().pass_for(year) == Decimal(annual)


def test_table_covers_2015_to_2026_with_sources():
    data = load_yaml("ij/pass.yml")
    assert set(range(2015, 2027)) <= set(data["years"])
    assert all(record.get("source") for record in data["years"].values())
