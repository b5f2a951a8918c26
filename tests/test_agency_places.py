"""Place parsing: every département by number and name, cities, postal codes, typos,
ambiguous names, and above all no place where the user did not give one."""
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.agency.geography import geography
from assistant.agency.places import choose_among, code_of_label, parse_place
from assistant.nlu_data import training_examples

DEPARTEMENTS = geography().main_departement_codes()
# The town of Vienne (Isère, 31 000 inhabitants) is as likely as the département.
HOMONYM_TOWNS = {"86": "38"}


def test_there_are_101_departements():
    assert len(DEPARTEMENTS) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(DEPARTEMENTS)


@pytest.mark.parametrize("code", DEPARTEMENTS)
def test_every_departement_by_number(code):
    for text in (code, f"le {code}", f"j'habite dans le {code}", f"je suis artisan dans le {code}, quelle est ma caisse ?"):
        assert parse_place(text).departement == code, text


@pytest.mark.parametrize("code", DEPARTEMENTS)
def test_every_departement_by_name(code):
    name = geography().departements[code].name
    assert parse_place(f"département {name}").departement == code
    assert parse_place(f"j'habite dans le département {name}").departement == code
    result = parse_place(name)
    if code in HOMONYM_TOWNS:
        assert {c.departement for c in result.candidates} == {code, HOMONYM_TOWNS[code]}
    else:
        assert result.departement == code, name


@pytest.mark.parametrize("text, code", [
    ("à Lyon", "69"),
    ("Metz", "57"),
    ("je suis boulanger à Metz", "57"),
    ("boulanger metz", "57"),
    ("artisan à Toulon, quelle est mon agence ?", "83"),
    ("non, à Nancy", "54"),
    ("Saint-Denis de la Réunion", "974"),
    ("st denis 93", "93"),
    ("Saint-Denis (93)", "93"),
    ("Saint-Denis (974)", "974"),
    ("69003", "69"),
    ("75015 Paris", "75"),
    ("je suis à 13008", "13"),
    ("CP 57000", "57"),
    ("Marseile", "13"),
    ("Boulogne-sur-mer", "62"),
    ("boulogne billancourt", "92"),
    ("Strasbour", "67"),
    ("j'habite à Toulouze", "31"),
    ("à Bordeau", "33"),
    ("aix en provance", "13"),
    ("Montpelier", "34"),
    ("je vis au Havre", "76"),
    ("Le Havre", "76"),
    ("j'habite a Sens", "89"),
    ("je suis à Orange", "84"),
    ("Valence dans la Drôme", "26"),
    ("Valence (82)", "82"),
    ("ville de Vienne", "38"),
    ("département de la Vienne", "86"),
    ("dans la Somme", "80"),
    ("le Cher", "18"),
    ("département du Nord", "59"),
    ("je vis en Guadeloupe", "971"),
    ("à la Réunion", "974"),
    ("Mayotte", "976"),
    ("Cayenne", "973"),
    ("Ajaccio", "2A"),
    ("Bastia", "2B"),
    ("Paris 15", "75"),
    ("j'habite dans le 93 à Montreuil", "93"),
    ("Charleville-Mézières", "08"),
    ("Saint-Pierre-et-Miquelon", "975"),
    ("je suis à Lyon mais je dépends du 42", "42"),
    ("j'habitais à Lyon, maintenant j'habite à Grenoble", "38"),
    # names made of ordinary words, when something says they are places
    ("j'habite à Entre-Deux", "974"),
    ("Entre-Deux", "974"),
    ("à Joué", "37"),
    ("plombier à joué les tours", "37"),
    ("taxi à fort de france", "972"),
    ("je suis boulanger à bourg en bresse", "01"),
    # a message in capitals
    ("J HABITE A LYON", "69"),
    ("JE SUIS COIFFEUSE A BOURG EN BRESSE QUELLE CAISSE", "01"),
])
def test_cities_and_postal_codes(text, code):
    assert parse_place(text).departement == code


@pytest.mark.parametrize("text, expected", [
    ("Saint-Denis", ["974", "93"]),
    ("Valence", ["26", "82"]),
    ("Montreuil", ["93"]),
    ("Boulogne", ["92", "62"]),
    ("Aix", ["13", "73"]),
    ("Clermont", ["63"]),
    ("Charleville", ["08", "51"]),
    ("en Bretagne", ["35", "29", "56", "22"]),
    ("Normandie", ["76", "14"]),
    ("Corse", ["2B", "2A"]),
    ("dans le 20", ["2B", "2A"]),
    ("Vienne", ["86", "38"]),
])
def test_ambiguous_places_give_ranked_candidates(text, expected):
    """The biggest first; the user is still asked (the brief: ask, but put it first)."""
    result = parse_place(text)
    assert result.departement is None and result.ambiguous
    codes = [c.departement for c in result.candidates]
    assert codes[: len(expected)] == expected
    assert all(c.label.endswith(f"({c.departement})") for c in result.candidates)


def test_candidate_labels_resolve_when_sent_back():
    """Buttons send their label as text: it must resolve to that candidate."""
    for text in ("Saint-Denis", "Valence", "Boulogne", "en Bretagne", "Vienne", "Corse", "Aix", "Montreuil"):
        for candidate in parse_place(text).candidates:
            assert parse_place(candidate.label).departement == candidate.departement, candidate.label


@pytest.mark.parametrize("text", [
    "Y", "Eu", "Sept", "Bonjour", "Oui", "Non", "Plus", "Mont", "Vers", "Merci",
    "bonjour, de quelle agence je dépends ?", "quelle est ma CPAM ?", "à qui écrire pour ma retraite",
    "quelle urssaf pour moi", "il a eu un accident", "j'y suis allé hier", "dans quel sens ?",
    "c'est cher", "une somme de 3000", "mon opérateur c'est orange", "le port du masque",
    "médecin de ville", "j'ai une réunion demain", "30 000 €", "30000 €", "30 000 euros",
    "j'ai un revenu de 30000", "mon chiffre d'affaires est de 45000", "j'ai gagné 42 000 € l'an dernier",
    "j'ai 57 ans", "le 15 mars", "rendez-vous le 12/05", "3,5 %", "je cotise depuis 2019",
    "je suis artisan", "commerçant", "profession libérale", "je suis infirmière", "micro-entrepreneur",
    "je suis à la retraite", "mon attestation de vigilance", "mes indemnités journalières",
    "combien je vais toucher en arrêt maladie ?", "j'ai perdu ma carte vitale", "ok merci",
    "je ne sais pas", "c'est pour un arrêt de travail", "je suis en arrêt depuis 10 jours",
    "ma pension de retraite", "le numéro de téléphone de l'urssaf", "3698", "36 46",
    "je voudrais parler à un conseiller", "au revoir", "tu es un robot ?",
    "commerçant, revenu moyen 30 000 €, combien par jour en arrêt ?", "j'ai gagné 25000 en 2023 et 30000 en 2024",
    "arrêt du 12 au 20 mars", "10 jours d'arrêt", "mon chiffre d'affaires 2025 : 48000", "retour à l'accueil",
    "joint au courrier", "c'est en ligne", "je suis en charge de la boutique", "c'est en cours", "mis en place",
    "dans la charte", "je suis maçon", "je suis boucher", "je suis coiffeuse", "j'ai une question sur ma pension",
    # ordinary words that are (the start of) a place's name: Entre-Deux, Joué-lès-Tours,
    # Fort-de-France, Sem, the DOM
    "je suis entre deux statuts", "j'ai un créneau entre deux clients", "je sais pas qui joue ce soir",
    "mon coffre-fort numérique", "visite de la sage-femme à dom", "arrêt de 3 sem",
    # capitals carry no information in a message typed in capitals
    "JE VENDS AU MARCHE LE DIMANCHE", "QUI PREND EN CHARGE MES SOINS", "JE VEUX UNE REPONSE EN BONNE ET DUE FORME",
    # numbers of a phone number, not départements
    "le numéro +33 de la carsat", "le 36-48 existe encore ?",
])
def test_no_place_in_ordinary_sentences(text):
    assert parse_place(text).departement is None and not parse_place(text).candidates, text


def test_no_place_in_training_examples_of_other_intents():
    """Every non-agency NLU example of the project (FAQ, IJ, small talk) is place-free or
    names a place on purpose; none may resolve by accident. out_of_scope examples name real
    towns on purpose ("quel temps à Brest demain") and are not counted."""
    leaks = []
    for intent, texts in training_examples().items():
        if intent in ("ask_agency", "inform", "out_of_scope"):
            continue
        for text in texts:
            result = parse_place(text)
            if result.departement or result.candidates:
                leaks.append((intent, text, result.departement, [c.label for c in result.candidates]))
    assert len(leaks) <= max(2, len([t for ts in training_examples().values() for t in ts]) // 200), leaks


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(min_value=1000, max_value=999_999),
       unit=st.sampled_from(["€", " €", " euros", " eur", "€ par an", " € de CA", "€/an", " k€"]),
       spaced=st.booleans())
def test_amounts_are_never_postal_codes(amount, unit, spaced):
    number = f"{amount:,}".replace(",", " ") if spaced else str(amount)
    for text in (f"{number}{unit}", f"j'ai gagné {number}{unit}", f"revenu {number}", f"mon revenu est de {number}{unit}"):
        result = parse_place(text)
        assert result.departement is None and not result.candidates, text


def test_parsing_is_fast_once_loaded():
    parse_place("Metz")
    sentences = ["je suis boulanger à Metz, quelle est mon agence ?", "de quelle agence je dépends ?",
                 "j'habite à Saint-Denis de la Réunion", "quelle est ma CPAM ? j'ai 30 000 € de revenu"] * 50
    start = time.perf_counter()
    for sentence in sentences:
        parse_place(sentence)
    assert (time.perf_counter() - start) / len(sentences) < 0.01


@pytest.mark.parametrize("text, code", [
    ("celui de la réunion", "974"),
    ("le premier", "974"),
    ("la deuxième", "93"),
    ("93", "93"),
    ("en seine saint denis", "93"),
    ("Saint-Denis (30)", "30"),
])
def test_choosing_among_candidates(text, code):
    assert choose_among(text, ["974", "93", "11", "30"]) == code


def test_choosing_nothing():
    assert choose_among("oui", ["974", "93"]) is None
    assert choose_among("Metz", ["974", "93"]) is None
    assert code_of_label("Corse-du-Sud (2A)") == "2A" and code_of_label("Metz") is None
