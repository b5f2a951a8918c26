"""The bare-answer rule overrides the classifier, so it must never claim a real question."""
import pytest

from assistant.bare_answers import is_bare_answer
from assistant.nlu_data import training_examples
from assistant.typos import normalise


def test_no_training_question_is_taken_for_a_bare_answer():
    """Every example of every other intent asks or says something beyond a value."""
    claimed = [(intent, text) for intent, texts in training_examples().items() if intent != "inform"
               for text in texts if is_bare_answer(normalise(text)[0])]
    assert claimed == []


def test_most_training_answers_are_recognised():
    """The rule is worth its place only if it knows the usual answers (the rest: professions
    and dates the parsers do not read, which the classifier learnt anyway)."""
    answers = training_examples()["inform"]
    recognised = [text for text in answers if is_bare_answer(normalise(text)[0])]
    assert len(recognised) >= 0.6 * len(answers)


@pytest.mark.parametrize("text", [
    "je suis plombier", "infirmière libérale", "dans le 59", "à Nice 06000", "12 jours d'arrêt",
    "un mois et demi", "environ 30 000 € par an", "non, plutôt 22 000",
    # corrections
    "non je me suis trompé c'est Roubaix", "pardon, 25 000", "désolée, en fait 3 semaines", "oups erreur, artisan",
])
def test_values_alone_are_answers(text):
    assert is_bare_answer(text)


@pytest.mark.parametrize("text", [
    "", "artisan ?", "arrêt maladie libéral", "quelle agence à Lyon", "combien pour 10 jours",
    "numéro urssaf Lyon", "mon numéro 06 12 34 56 78", "bonjour",
    "je suis plombier à Lyon et je voudrais savoir quelle est mon agence", "à Lyon c'est où", "si je suis artisan",
])
def test_requests_are_not_answers(text):
    assert not is_bare_answer(text)
