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


@pytest.mark.parametrize("typed, expected", [
    ("slt", "salut"),
    ("jsuis ae, kel numero pr l'urssaf", "je suis ae, quel numéro pour l'urssaf"),
    ("jai un pb ds mon espace", "j'ai un problème dans mon espace"),
    ("Bjr", "bonjour"),
])
def test_chat_shorthands_are_written_out(typed, expected):
    assert normalise(typed)[0] == expected


@pytest.mark.parametrize("text", ["CV à jour", "AE depuis 2021", "tel quel", "micro vs société"])
def test_ambiguous_shorthands_are_kept(text):
    assert normalise(text)[0] == text


def test_no_shorthand_is_also_a_domain_word():
    """A key in both lists would be expanded or corrected depending on the order of two tests."""
    from assistant.knowledge import load_yaml
    from assistant.text import fold

    data = load_yaml("lexicon.yml")
    assert not {fold(s) for s in data["abbreviations"]} & {fold(w) for w in data["words"]}
