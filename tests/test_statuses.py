import pytest

from assistant.statuses import Status, parse_status


@pytest.mark.parametrize("text, status", [
    ("commerçant", Status.COMMERCANT),
    ("je suis auto-entrepreneur", Status.MICRO_ENTREPRENEUR),
    ("autoentrepreneur", Status.MICRO_ENTREPRENEUR),
    ("micro entrepreneur plombier", Status.MICRO_ENTREPRENEUR),
    ("Artisan plombier", Status.ARTISAN),
    ("boulangère à Metz", Status.ARTISAN),
    ("infirmière libérale", Status.PROFESSION_LIBERALE),
    ("conjointe collaboratrice d'un artisan", Status.CONJOINT_COLLABORATEUR),
    ("je suis retraité", Status.RETRAITE),
    ("comercant", Status.COMMERCANT),
    ("profesion liberale", Status.PROFESSION_LIBERALE),
])
def test_status_is_recognised(text, status):
    assert parse_status(text).status == status


@pytest.mark.parametrize("text, caisse", [("médecin généraliste", "CARMF"), ("avocate", "CNBF"),
                                          ("kiné", "CARPIMKO"), ("consultant", "regime_general")])
def test_liberal_profession_gives_its_caisse(text, caisse):
    assert parse_status(text).caisse == caisse


@pytest.mark.parametrize("text", ["bonjour", "ma retraite", "quelle caisse de retraite", "ça marche", "30 000 €", "quelle est ma caisse"])
def test_no_status_in_ordinary_sentences(text):
    assert parse_status(text) is None
