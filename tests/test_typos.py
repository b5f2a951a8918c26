import pytest

from assistant.typos import normalise


@pytest.mark.parametrize("typed, expected", [
    ("attestation de vigilence", "attestation de vigilance"),
    ("urssaff", "urssaf"),
    ("mes cotisassions", "mes cotisations"),
    ("le mediateur", "le médiateur"),
    ("atestation csg", "attestation csg"),
    ("carte vital perdue", "carte vitale perdue"),
    ("les horraires", "les horaires"),
    ("indemnites journalieres", "indemnités journalières"),
])
def test_domain_typos_are_fixed(typed, expected):
    assert normalise(typed)[0] == expected


@pytest.mark.parametrize("text", [
    "bonjour", "je suis à Metz", "cotiser", "mes comptes", "passer", "Toulouse", "merci beaucoup",
    "30 000 €", "Urssaf",
])
def test_ordinary_words_are_left_alone(text):
    assert normalise(text) == (text, [])


@pytest.mark.parametrize("text", ["micro entrepreneur", "conjointe collaboratrice", "racine carrée"])
def test_real_words_are_not_pulled_to_a_longer_domain_word(text):
    assert normalise(text)[0] == text
