import pytest

from components.tool_router import route


@pytest.mark.parametrize("text, intent, confidence, top, expected", [
    ("je suis plombier a Marseile quelle est ma carsat", "inform", 0.5, ["inform", "ask_agency"], "ask_agency"),
    ("quelle urssaf pour un commerçant dans le 93 ?", "nlu_fallback", 0.3, ["ask_agency"], "ask_agency"),
    ("plâtrier, 28 000 € par an, combien si arrêt de 3 semaines ?", "nlu_fallback", 0.3, ["ask_ij"], "ask_ij"),
    ("commerçant, 30 000 € de revenu", "inform", 0.6, ["inform"], "ask_ij"),
])
def test_unsure_questions_with_a_place_or_income_go_to_the_tool(text, intent, confidence, top, expected):
    assert route(text, intent, confidence, top) == expected


@pytest.mark.parametrize("text, intent, confidence, top", [
    ("quel est le numéro de l'urssaf à Paris", "faq_tel_urssaf", 0.8, ["faq_tel_urssaf", "ask_agency"]),
    ("à Lyon", "inform", 0.9, ["inform"]),
    ("bonjour", "greet", 0.95, ["greet"]),
    ("ma carte vitale est perdue", "nlu_fallback", 0.3, ["faq_sante_carte_vitale_perdue", "ask_agency"]),
])
def test_other_messages_keep_the_classifier_choice(text, intent, confidence, top):
    assert route(text, intent, confidence, top) is None
