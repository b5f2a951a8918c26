"""The agency form's actions with rasa_sdk's own Tracker and dispatcher, and the domain fragment."""
import asyncio
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.agency import (CANDIDATES, CASE, DEPARTEMENT, EXTRACTED_SLOTS, PRECEDENT, STATUT, THEME,
                            ActionAgencyAnswer, ActionAgencyCorrect, ActionAskAgencyDepartement, ValidateAgencyForm)

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(text, slots=None, intent="ask_agency", requested=None):
    values = {name: None for name in DOMAIN["slots"]}
    values.update(slots or {})
    values["requested_slot"] = requested
    return Tracker(
        sender_id="test",
        slots=values,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        events=[{"event": "action", "name": "agency_form"}],
        paused=False,
        followup_action=None,
        active_loop={"name": "agency_form"} if requested else {},
        latest_action_name="action_listen",
    )


def validate(text, slots=None, intent="ask_agency", requested=None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateAgencyForm().run(dispatcher, make_tracker(text, slots, intent, requested), DOMAIN))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


def test_domain_fragment_declares_what_the_actions_use():
    assert set(EXTRACTED_SLOTS) | {CANDIDATES} <= set(DOMAIN["slots"])
    assert DOMAIN["slots"][STATUT] == {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]}
    assert all(DOMAIN["slots"][name]["mappings"] == [{"type": "custom"}] for name in EXTRACTED_SLOTS)
    assert DOMAIN["forms"]["agency_form"]["required_slots"] == [DEPARTEMENT]
    assert {"validate_agency_form", "action_ask_agency_form_departement", "action_agency_answer"} <= set(DOMAIN["actions"])
    assert {"utter_ask_departement", "utter_ask_agency_form_statut"} <= set(DOMAIN["responses"])
    assert "ask_agency" in DOMAIN["intents"]


def test_one_sentence_fills_everything():
    slots, _ = validate("je suis boulanger à Metz, quelle est mon agence ?")
    assert slots[DEPARTEMENT] == "57" and slots[STATUT] == "artisan"
    assert slots["requested_slot"] is None


def test_one_sentence_with_a_liberal_profession_and_a_theme():
    slots, _ = validate("infirmière libérale à Lyon, qui gère ma retraite ?")
    assert slots[DEPARTEMENT] == "69" and slots[STATUT] == "profession_liberale"
    assert slots["caisse"] == "CARPIMKO" and slots[THEME] == "retraite"
    assert slots["requested_slot"] is None


def test_step_by_step():
    slots, _ = validate("de quelle agence je dépends ?")
    assert slots["requested_slot"] == DEPARTEMENT
    slots, _ = validate("dans le 93", intent="inform", requested=DEPARTEMENT)
    assert slots[DEPARTEMENT] == "93" and slots["requested_slot"] == STATUT
    slots, _ = validate("commerçant", {DEPARTEMENT: "93"}, intent="inform", requested=STATUT)
    assert slots[STATUT] == "commercant" and slots["requested_slot"] is None


def test_status_is_not_asked_for_the_cpam():
    slots, _ = validate("quelle est ma CPAM ?")
    assert slots[THEME] == "sante" and slots["requested_slot"] == DEPARTEMENT
    slots, _ = validate("Metz", {THEME: "sante"}, intent="inform", requested=DEPARTEMENT)
    assert slots[DEPARTEMENT] == "57" and slots["requested_slot"] is None


def test_a_correction_overwrites_the_place():
    slots, _ = validate("non, à Nancy", {DEPARTEMENT: "69"}, intent="deny", requested=STATUT)
    assert slots[DEPARTEMENT] == "54" and slots["requested_slot"] == STATUT


def test_ambiguous_city_keeps_the_slot_empty_and_offers_buttons():
    slots, _ = validate("je suis artisan à Saint-Denis, quelle est mon agence ?")
    assert slots[DEPARTEMENT] is None and slots["requested_slot"] == DEPARTEMENT
    assert slots[CANDIDATES][:2] == ["Saint-Denis (974)", "Saint-Denis (93)"]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", {CANDIDATES: slots[CANDIDATES]}, requested=DEPARTEMENT)
    ActionAskAgencyDepartement().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert "Lequel" in message["text"]
    assert [b["title"] for b in message["buttons"]][:2] == ["Saint-Denis (974)", "Saint-Denis (93)"]
    assert all(b["title"] == b["payload"] and not b["payload"].startswith("/") for b in message["buttons"])
    slots, _ = validate("Saint-Denis (974)", {STATUT: "artisan", CANDIDATES: slots[CANDIDATES]}, intent="inform",
                        requested=DEPARTEMENT)
    assert slots[DEPARTEMENT] == "974" and slots[CANDIDATES] is None and slots["requested_slot"] is None


def test_plain_question_when_no_candidates():
    dispatcher = CollectingDispatcher()
    ActionAskAgencyDepartement().run(dispatcher, make_tracker("", requested=DEPARTEMENT), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_ask_departement"


def test_faq_question_mid_form_is_left_to_the_faq_rule():
    """Nothing extracted for the requested slot and another intent: no slot event, so Rasa
    rejects the form and the lead's FAQ rule answers."""
    slots, _ = validate("comment obtenir mon attestation de vigilance ?", intent="faq_attestation_vigilance",
                        requested=DEPARTEMENT)
    assert set(slots) <= {"requested_slot"}


def test_theme_given_mid_form_under_inform_is_kept():
    slots, _ = validate("c'est pour ma retraite", intent="inform", requested=DEPARTEMENT)
    assert slots[THEME] == "retraite"


def test_volunteers_abroad_need_no_question():
    slots, _ = validate("j'ai une assurance volontaire et je vis à l'étranger, de quelle agence je dépends ?")
    assert slots[CASE] == "volontaire_etranger" and slots["requested_slot"] is None


def test_answer_then_reset():
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", {DEPARTEMENT: "83", STATUT: "artisan", THEME: None})
    events = ActionAgencyAnswer().run(dispatcher, tracker, DOMAIN)
    text = dispatcher.messages[0]["text"]
    assert "Var (83)" in text and "Urssaf Provence-Alpes-Côte d'Azur" in text and "Carsat Sud-Est" in text
    assert "CPAM du Var" in text and "Ancienne agence SSI (ex-RSI) : Côte d'Azur" in text
    reset = {e["name"]: e["value"] for e in events}
    assert reset[DEPARTEMENT] is None and reset[THEME] is None
    assert STATUT not in reset  # shared with the IJ form
    assert reset[PRECEDENT] == {DEPARTEMENT: "83", STATUT: "artisan"}  # for a correction right after


# --- a correction right after the answer ---------------------------------------------------------

LAST_ANSWER = {DEPARTEMENT: "83", STATUT: "artisan", "caisse": "regime_general"}


def correct(text, previous=LAST_ANSWER, candidates=None, intent="inform"):
    """What action_agency_correct says and sets when `text` follows an agency answer."""
    slots = {STATUT: (previous or {}).get(STATUT), PRECEDENT: previous, CANDIDATES: candidates}
    tracker = make_tracker(text, slots, intent=intent)
    tracker.events = [{"event": "action", "name": "action_agency_answer"}, {"event": "action", "name": "action_listen"},
                      {"event": "user", "text": text}]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAgencyCorrect().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events}


def test_a_new_place_right_after_the_answer_gives_its_organismes():
    messages, slots = correct("non, à Nancy")
    assert "Meurthe-et-Moselle (54)" in messages[0]["text"] and "Var" not in messages[0]["text"]
    assert slots[PRECEDENT][DEPARTEMENT] == "54" and slots[PRECEDENT][STATUT] == "artisan"


def test_a_new_status_right_after_the_answer_keeps_the_place():
    messages, slots = correct("je suis infirmière libérale")
    assert "Var (83)" in messages[0]["text"] and "CARPIMKO" in messages[0]["text"]
    assert slots[STATUT] == "profession_liberale"


def test_an_ambiguous_place_is_asked_then_the_click_answers():
    messages, slots = correct("non, à Saint-Denis")
    assert messages[0]["buttons"] and slots == {CANDIDATES: slots[CANDIDATES]}
    assert {"Saint-Denis (93)", "Saint-Denis (974)"} <= set(slots[CANDIDATES])
    messages, slots = correct("Saint-Denis (974)", candidates=slots[CANDIDATES])
    assert "La Réunion (974)" in messages[0]["text"] and slots[PRECEDENT][DEPARTEMENT] == "974"


def test_an_unsure_message_that_changes_the_place_is_a_correction():
    messages, slots = correct("je me suis trompé de ville, c'est à Roubaix en fait", intent="nlu_fallback")
    assert "Nord (59)" in messages[0]["text"] and slots[PRECEDENT][DEPARTEMENT] == "59"
    messages, slots = correct("je comprends rien", intent="nlu_fallback")
    assert [m.get("response") for m in messages] == ["utter_default"] and slots == {}


def test_a_value_that_changes_nothing_is_not_a_correction():
    for text, previous in (("30 000 €", LAST_ANSWER), ("non, à Nancy", None)):
        messages, slots = correct(text, previous)
        assert [m.get("response") for m in messages] == ["utter_inform_without_context"], text
        assert slots == {}


def test_another_town_of_the_same_departement_keeps_the_answer():
    messages, slots = correct("non je me suis trompé c'est Hyères")  # the answer was for the Var (Toulon)
    assert messages == [{**messages[0], "response": "utter_agency_same_departement", "departement": "Var (83)"}]
    assert slots == {}


def test_answer_for_one_theme_and_a_liberal_section():
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", {DEPARTEMENT: "69", STATUT: "profession_liberale", "caisse": "CARPIMKO", THEME: "retraite"})
    ActionAgencyAnswer().run(dispatcher, tracker, DOMAIN)
    text = dispatcher.messages[0]["text"]
    assert "CARPIMKO" in text and "Urssaf" not in text


def test_answer_without_a_place_asks_again():
    dispatcher = CollectingDispatcher()
    events = ActionAgencyAnswer().run(dispatcher, make_tracker(""), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_ask_departement"
    assert events


def test_a_weak_hint_picks_among_the_offered_places():
    pending = ["Saint-Denis (974)", "Saint-Denis (93)"]
    slots, _ = validate("celui de la réunion", {STATUT: "artisan", CANDIDATES: pending}, intent="inform",
                        requested=DEPARTEMENT)
    assert slots[DEPARTEMENT] == "974" and slots[CANDIDATES] is None


def test_a_pension_question_does_not_make_the_user_retired():
    slots, _ = validate("à quelle caisse de retraite je suis affilié ?")
    assert STATUT not in slots or slots[STATUT] is None
    assert slots[THEME] == "retraite"
    slots, _ = validate("je suis retraité, quelle est ma CPAM ?")
    assert slots[STATUT] == "retraite" and slots[THEME] == "sante"


def test_a_click_on_a_clarification_button_reads_the_question_it_answers():
    tracker = make_tracker("/ask_agency", intent="ask_agency")
    tracker.events = [{"event": "user", "text": "boulanger à Metz, je dépends de qui"},
                      {"event": "action", "name": "action_clarify"}, {"event": "action", "name": "action_listen"},
                      {"event": "user", "text": "/ask_agency"}, {"event": "action", "name": "agency_form"}]
    events = asyncio.run(ValidateAgencyForm().run(CollectingDispatcher(), tracker, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots[DEPARTEMENT] == "57" and slots[STATUT] == "artisan" and slots["requested_slot"] is None
