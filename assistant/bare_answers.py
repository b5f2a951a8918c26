"""Recognise a message that is only an answer: a place, a status, an income, a length of leave.

The forms ask for these values, and users also type them unprompted ("sage-femme libérale",
"une semaine d'arrêt", "à Poitiers"). Such a message shares its words with FAQ questions
(the follow-up after childbirth, declaring a sick leave) and the classifier, which reads
words, can pick the FAQ; but nothing was asked, and the right reply is to take note and ask
what the user wants (intent `inform`). A message is a bare answer when one of the parsers the
forms use recognises a value and every other word is a filler from the list below; a question
mark, or any other word ("agence", "combien", "vitale"), makes it something else.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from assistant.agency.places import parse_place
from assistant.ij.amounts import AmountError, find_amounts
from assistant.ij.french_numbers import find_number_words
from assistant.ij.parsing import parse_leave_days
from assistant.statuses import parse_status
from assistant.text import fold, words

# Words that carry no request around a value: pronouns and verbs of "je suis / j'habite",
# prepositions, hedges ("plutôt", "environ"), the words of a correction ("je me suis trompé,
# c'est Roubaix"), and the units and nouns an answer names ("35 000 euros de chiffre
# d'affaires", "10 jours d'arrêt").
FILLERS = frozenset("""
    je j moi suis sommes es est c ce on habite habitons vis vit reside travaille bosse exerce installe installee
    a au aux dans le la les l en de d du des un une vers pres sur cote et
    non oui plutot environ autour approximativement presque pile peu pres quasiment bah ben euh alors voila
    pardon desole desolee oups correction erreur me trompe trompee fait finalement mais pas
    par mois an ans annee annees net nets brut bruts euros euro eur k e
    dernier derniere derniers passe passee cette
    jour jours j jr jrs journee journees semaine semaines sem demi demie depuis
    revenu revenus gagne gagnais declare declares chiffre affaires ca benefice benefices
    liberal liberale liberales liberaux independant independante independants independantes freelance
""".split())
# Fillers only next to a length of leave: "10 jours d'arrêt" answers, "arrêt maladie libéral" asks.
LEAVE_FILLERS = frozenset({"arret", "arrete", "maladie"})
# Words a value can take beyond the fillers: "Saint-Pierre à la Réunion", "gérant majoritaire d'une SARL".
MAX_VALUE_WORDS = 4
_STATUS_WORD_CLOSENESS = 85  # a typed status word ("plombiere") counts as the term's ("plombier")


# A French phone number ("0809 400 250") is a number to call, not an income.
_PHONE = re.compile(r"(?<!\d)0\d(?:[\s.]?\d){7,8}(?!\d)")


def _amounts_found(text: str) -> bool:
    try:
        return bool(find_amounts(text))
    except AmountError:  # "19 millions": still a number, not a request
        return True


def is_bare_answer(text: str) -> bool:
    """True when ``text`` is nothing but a value a form could ask for, stated without a question."""
    if not text or "?" in text or _PHONE.search(text):
        return False
    folded = fold(text)
    number_words = {w for number in find_number_words(folded) for w in words(folded[number.start:number.end])}
    open_words = [w for w in words(folded) if w not in FILLERS and w not in number_words and not w.isdigit()]
    if len(open_words) > MAX_VALUE_WORDS:
        return False  # most messages stop here, before the parsers (the status one costs ~1 ms)
    covered: set[str] = set()
    place = parse_place(text)
    if place.resolved or place.ambiguous:
        covered |= set(words(place.matched))
    length = parse_leave_days(text)
    status = parse_status(text) if set(open_words) - covered else None
    if status:
        term_words = words(status.matched)
        covered |= {w for w in open_words if any(fuzz.ratio(w, t) >= _STATUS_WORD_CLOSENESS for t in term_words)}
    if not (status or place.resolved or place.ambiguous or length or _amounts_found(text)):
        return False
    rest = [w for w in open_words if w not in covered and not (length and w in LEAVE_FILLERS)]
    return not rest
