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


def test_button_payloads_are_not_corrected():
    """The help menu's "telephones" topic must not become "téléphone" before the payload is parsed."""
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from components.typo_normalizer import TypoNormalizer

    payload = '/help_topic{"topic": "telephones"}'
    typed = Message(data={TEXT: "numero des telephones"})
    message = Message(data={TEXT: payload})
    TypoNormalizer().process([message, typed])
    assert message.get(TEXT) == payload
    assert typed.get(TEXT) != "numero des telephones"  # typed text is still corrected
