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


@pytest.mark.parametrize("text, intent, top", [
    ("sage-femme libérale", "faq_sante_suivi_apres_accouchement", ["faq_sante_suivi_apres_accouchement", "inform"]),
    ("10 jours d'arrêt", "faq_sante_arret_travail", ["faq_sante_arret_travail", "inform"]),
    ("Poitiers", "out_of_scope", ["out_of_scope", "inform"]),
    ("autour de 38 000 €", "faq_paiement_revenu_estime", ["faq_paiement_revenu_estime"]),
])
def test_a_bare_value_is_an_answer_whatever_the_classifier_read(text, intent, top):
    assert route(text, intent, 0.6, top) == "inform"


@pytest.mark.parametrize("text, intent", [
    ("arrêt maladie libéral", "faq_sante_arret_travail"),          # no length: a topic, not an answer
    ("sage-femme à domicile après l'accouchement", "faq_sante_suivi_apres_accouchement"),
    ("artisan ?", "faq_rg_qui_concerne"),                          # a question
    ("0809 400 250", "faq_tel_anciens_numeros"),                   # a number to call
    ('/help_topic{"topic": "telephones"}', "help_topic"),
])
def test_a_question_or_topic_is_not_taken_for_an_answer(text, intent):
    assert route(text, intent, 0.6, [intent]) is None
