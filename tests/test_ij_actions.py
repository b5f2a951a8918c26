"""The IJ Rasa actions with real rasa_sdk objects (Tracker, CollectingDispatcher) and the
domain of domain.yml, without a Rasa server."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.ij import IJ_SLOTS, PRECEDENT, ActionIJCompute, ActionIJCorrect, ValidateIJForm
from assistant.ij.parsing import parse_activity, parse_caisse
from assistant.statuses import parse_status

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(text: str, slots: Optional[dict] = None, requested: Optional[str] = None,
                 latest_action: str = "action_listen") -> Tracker:
    """The tracker Rasa sends to validate_ij_form: it appends ActionExecuted(ij_form) to the
    conversation, after the user's message (or after the action that answered a digression)."""
    values: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    values.update(slots or {})
    values["requested_slot"] = requested
    message = {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": []}
    events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text, "parse_data": message}]
    if latest_action != "action_listen":
        events.append({"event": "action", "name": latest_action})
    events += [{"event": "slot", "name": "requested_slot", "value": requested}, {"event": "action", "name": "ij_form"}]
    return Tracker("test-user", values, message, events, False, None, {"name": "ij_form"}, "ij_form")


def validate(text: str, slots: Optional[dict] = None, requested: Optional[str] = None,
             latest_action: str = "action_listen") -> tuple[dict, list[str]]:
    """Slot values set by validate_ij_form, and the texts it sent."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateIJForm().run(dispatcher, make_tracker(text, slots, requested, latest_action), DOMAIN))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, [m.get("text") for m in dispatcher.messages]


def answer(slots: dict) -> tuple[str, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = ActionIJCompute().run(dispatcher, make_tracker("", slots), DOMAIN)
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), events


# --- the form ---------------------------------------------------------------------------------

def test_one_sentence_fills_everything_and_ends_the_form():
    slots, messages = validate("commerçant, 42 000 € de revenu, arrêt de 10 jours")
    assert slots["statut"] == "commercant"
    assert slots["ij_revenu"] == 42000.0
    assert slots["ij_duree"] == 10.0
    assert slots.get("requested_slot") is None  # Rasa finds nothing left to ask
    assert messages == []


def test_three_years_are_averaged_and_kept():
    slots, _ = validate("artisan, revenus 25 000, 30 000 et 35 000 €")
    assert slots["ij_revenu"] == 30000.0
    assert slots["ij_revenus"] == [25000.0, 30000.0, 35000.0]


def test_step_by_step_asks_status_then_income():
    slots, _ = validate("combien je toucherai si je suis en arrêt maladie ?")
    assert "statut" not in slots and "ij_revenu" not in slots
    slots, _ = validate("artisan", requested="statut")
    assert slots["statut"] == "artisan"
    slots, _ = validate("20000", slots={"statut": "artisan"}, requested="ij_revenu")
    assert slots["ij_revenu"] == 20000.0


def test_micro_entrepreneur_is_asked_the_activity_first():
    slots, _ = validate("je suis micro-entrepreneur, combien d'IJ si je suis malade ?")
    assert slots["statut"] == "micro_entrepreneur"
    assert slots["requested_slot"] == "ij_activite"
    slots, _ = validate("vente de marchandises", slots={"statut": "micro_entrepreneur"}, requested="ij_activite")
    assert slots["ij_activite"] == "vente"


def test_activity_given_to_the_status_question_is_kept_and_the_status_asked_again():
    slots, messages = validate("vente de marchandises", requested="statut")
    assert slots["ij_activite"] == "vente" and slots.get("statut") is None
    assert slots.get("requested_slot", "statut") == "statut"  # asked again
    assert any("vente de marchandises" in m and "statut" in m for m in messages)
    slots, messages = validate("micro-entrepreneur", slots={"ij_activite": "vente"}, requested="statut")
    assert slots["statut"] == "micro_entrepreneur"
    assert messages == []


def test_bnc_answer_to_the_activity_question_does_not_change_the_status():
    slots, _ = validate("BNC", slots={"statut": "micro_entrepreneur"}, requested="ij_activite")
    assert slots["ij_activite"] == "bnc"
    assert slots.get("statut", "micro_entrepreneur") == "micro_entrepreneur"


def test_liberal_without_caisse_is_asked_it_and_profession_fills_it():
    slots, _ = validate("je suis en profession libérale, combien en arrêt ?")
    assert slots["statut"] == "profession_liberale" and slots["requested_slot"] == "ij_caisse"
    slots, _ = validate("je ne sais pas", slots={"statut": "profession_liberale"}, requested="ij_caisse")
    assert slots["ij_caisse"] == "inconnu"
    slots, _ = validate("infirmière libérale, 50 000 € de revenu")
    assert slots["ij_caisse"] == "CARPIMKO" and slots["ij_revenu"] == 50000.0


def test_conjoint_and_lawyer_are_not_asked_an_income():
    slots, _ = validate("je suis conjoint collaborateur")
    assert slots["statut"] == "conjoint_collaborateur" and slots["requested_slot"] is None
    slots, _ = validate("je suis avocat")
    assert slots["ij_caisse"] == "CNBF" and slots["requested_slot"] is None


def test_retired_answer_to_the_status_question():
    slots, _ = validate("retraité", requested="statut")
    assert slots["statut"] == "retraite" and slots["ij_retraite"] is True


def test_corrections_overwrite_previous_values():
    slots, _ = validate("non, 25 000", slots={"statut": "artisan", "ij_revenu": 40000.0})
    assert slots["ij_revenu"] == 25000.0
    slots, _ = validate("en fait je suis artisan", slots={"statut": "commercant", "ij_revenu": 40000.0})
    assert slots["statut"] == "artisan"


def test_answering_a_question_does_not_change_the_status_without_a_correction_word():
    slots, _ = validate("30 000 € de chiffre d'affaires dans mon magasin", slots={"statut": "micro_entrepreneur",
                        "ij_activite": "vente"}, requested="ij_revenu")
    assert slots["ij_revenu"] == 30000.0 and slots.get("statut", "micro_entrepreneur") == "micro_entrepreneur"


def test_a_year_given_with_the_incomes_is_not_the_leave_date():
    slots, _ = validate("25 000 € en 2024", slots={"statut": "artisan"}, requested="ij_revenu")
    assert slots["ij_revenu"] == 25000.0 and "ij_date" not in slots


def test_absurd_amounts_give_a_french_message_and_ask_again():
    for text, word in [("-5000", "négatif"), ("50 millions", "trop élevé"), ("2O OOO", "chiffres")]:
        slots, messages = validate(text, slots={"statut": "artisan"}, requested="ij_revenu")
        assert slots["ij_revenu"] is None
        assert any(word in m for m in messages), (text, messages)


def test_optional_facts_are_read_on_any_turn():
    slots, _ = validate("hospitalisé depuis le 3 mars 2025, mi-temps thérapeutique ensuite",
                        slots={"statut": "artisan"}, requested="ij_revenu")
    assert slots["ij_hospitalisation"] is True
    assert slots["ij_tpt"] is True
    assert slots["ij_date"] == "2025-03-03"


def test_a_resumed_form_does_not_reread_the_digression():
    slots, _ = validate("le plafond est de 48 060 € ?", slots={"statut": "artisan"}, requested="ij_revenu",
                        latest_action="action_answer_faq")
    assert "ij_revenu" not in slots


def test_button_payloads_are_understood():
    for button in DOMAIN["responses"]["utter_ask_statut"][0]["buttons"]:
        assert parse_status(button["payload"]) is not None
    for button in DOMAIN["responses"]["utter_ask_ij_activite"][0]["buttons"]:
        assert parse_activity(button["payload"]) is not None
    for button in DOMAIN["responses"]["utter_ask_ij_caisse"][0]["buttons"]:
        assert parse_caisse(button["payload"]) is not None


def test_validate_methods_reject_unknown_values():
    form, dispatcher = ValidateIJForm(), CollectingDispatcher()
    tracker = make_tracker("")
    assert form.validate_statut("astronaute", dispatcher, tracker, DOMAIN) == {"statut": None}
    assert form.validate_ij_activite("vente", dispatcher, tracker, DOMAIN) == {"ij_activite": "vente"}
    assert form.validate_ij_caisse("CARMF", dispatcher, tracker, DOMAIN) == {"ij_caisse": "CARMF"}
    assert form.validate_ij_revenu(-3, dispatcher, tracker, DOMAIN)["ij_revenu"] is None
    assert form.validate_ij_revenu(30000, dispatcher, tracker, DOMAIN) == {"ij_revenu": 30000.0}


def test_a_click_on_a_clarification_button_reads_the_question_it_answers():
    """"je suis artisan, arrêté 3 semaines" got "vouliez-vous dire…" buttons; the click on the
    IJ one must not make the form ask again for the status."""

    def slots_after_click(offered_by: str) -> dict:
        events = [{"event": "action", "name": "action_listen"},
                  {"event": "user", "text": "je suis artisan et je vais être arrêté 3 semaines"},
                  {"event": "action", "name": offered_by}, {"event": "bot", "text": "Vouliez-vous dire…"},
                  {"event": "action", "name": "action_listen"}, {"event": "user", "text": "/ask_ij"},
                  {"event": "action", "name": "ij_form"}]
        values: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
        message = {"text": "/ask_ij", "intent": {"name": "ask_ij", "confidence": 1.0}, "entities": []}
        tracker = Tracker("test-user", values, message, events, False, None, {"name": "ij_form"}, "ij_form")
        found = asyncio.run(ValidateIJForm().run(CollectingDispatcher(), tracker, DOMAIN))
        return {e["name"]: e["value"] for e in found if e["event"] == "slot" and e["value"] is not None}

    slots = slots_after_click("action_clarify")
    assert slots["statut"] == "artisan" and slots["ij_duree"] == 21.0
    # The same click in the help menu (no clarification before it) reads nothing.
    assert slots_after_click("action_help") == {}


# --- the answer ---------------------------------------------------------------------------------

def test_answer_with_formula_waiting_days_total_and_notes():
    text, events = answer({"statut": "commercant", "ij_revenu": 30000.0, "ij_duree": 10.0})
    for fact in ("41,10 €", "30 000 € ÷ 730", "4e jour", "287,70 €", "CSG", "estimation", "48 h"):
        assert fact in text, fact
    reset = {e["name"]: e["value"] for e in events if e["name"] != PRECEDENT}
    assert set(reset) == set(IJ_SLOTS) and all(v is None for v in reset.values())
    assert "statut" not in reset
    kept = next(e["value"] for e in events if e["name"] == PRECEDENT)
    assert kept == {"statut": "commercant", "ij_revenu": 30000.0, "ij_duree": 10.0}


def test_answer_for_a_micro_below_the_threshold_explains_why():
    text, _ = answer({"statut": "micro_entrepreneur", "ij_activite": "vente", "ij_revenu": 10000.0})
    assert "Pas d'indemnités journalières" in text and "4 582 €" in text


def test_answer_uses_the_date_and_the_three_years():
    text, _ = answer({"statut": "artisan", "ij_revenu": 20000.0, "ij_date": "2019-03-03", "ij_duree": 5.0})
    assert "27,40 €" in text and "8e jour" in text
    text, _ = answer({"statut": "artisan", "ij_revenu": 30000.0, "ij_revenus": [25000.0, 30000.0, 35000.0]})
    assert "2023 : 25 000 €" in text


def test_answer_for_lawyer_and_conjoint_without_income():
    assert "CNBF" in answer({"statut": "profession_liberale", "ij_caisse": "CNBF"})[0]
    assert "26,33 €" in answer({"statut": "conjoint_collaborateur"})[0]


def test_answer_with_missing_information_says_so():
    text, events = answer({"statut": "micro_entrepreneur", "ij_revenu": 30000.0})
    assert "Il me manque" in text
    assert PRECEDENT not in {e["name"] for e in events}  # nothing to correct afterwards


# --- a correction right after the answer -----------------------------------------------------------

LAST_ANSWER = {"statut": "commercant", "ij_revenu": 30000.0, "ij_duree": 10.0}


def correct(text: str, previous: Optional[dict] = LAST_ANSWER, intent: str = "inform") -> tuple[str, list[dict], list[dict]]:
    """What action_ij_correct says and sets when `text` follows an IJ answer (its slots reset)."""
    values: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    values.update(statut=(previous or {}).get("statut"), **{PRECEDENT: previous})
    message = {"text": text, "intent": {"name": intent, "confidence": 0.3}, "entities": []}
    events = [{"event": "action", "name": "action_ij_compute"}, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "parse_data": message}]
    tracker = Tracker("test-user", values, message, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionIJCorrect().run(dispatcher, tracker, DOMAIN))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), dispatcher.messages, events


def test_a_new_income_right_after_the_answer_recomputes_it():
    text, _, events = correct("non, 25 000")
    assert "34,25 €" in text and "25 000 € ÷ 730" in text  # 25 000 / 730, still 10 days
    kept = next(e["value"] for e in events if e["name"] == PRECEDENT)
    assert kept == {**LAST_ANSWER, "ij_revenu": 25000.0}


def test_a_new_length_or_status_right_after_the_answer_recomputes_it():
    text, _, _ = correct("plutôt 2 mois")
    assert "30 000 € ÷ 730" in text and "Arrêt de 60 jours" in text and "2 342,70 €" in text
    text, _, events = correct("non je suis artisan")
    assert "41,10 €" in text
    assert {"event": "slot", "name": "statut", "value": "artisan", "timestamp": None} in events


def test_a_value_that_changes_nothing_is_not_a_correction():
    for text, previous in (("à Lyon", LAST_ANSWER), ("non, 25 000", None)):
        said, messages, events = correct(text, previous)
        assert [m.get("response") for m in messages] == ["utter_inform_without_context"], text
        assert events == []
    _, messages, events = correct("30 000", LAST_ANSWER)  # the income already used: the answer stands
    assert [m.get("response") for m in messages] == ["utter_correction_unchanged"] and events == []


def test_an_unsure_message_that_changes_an_input_is_a_correction():
    text, _, _ = correct("et si c'est 2 mois ?", intent="nlu_fallback")
    assert "Arrêt de 60 jours" in text and "41,10 €" in text
    text, _, _ = correct("et si j'étais hospitalisé ?", intent="nlu_fallback")
    assert "41,10 €" in text and "une hospitalisation n'y change rien" in text


def test_an_unsure_message_that_changes_nothing_gets_the_usual_clarification():
    _, messages, events = correct("je comprends rien à ce truc", intent="nlu_fallback")
    assert [m.get("response") for m in messages] == ["utter_default"] and events == []


def test_an_impossible_amount_keeps_the_last_answer():
    text, _, events = correct("non, 3 milliards d'euros")
    assert "€" in text and "÷ 730" not in text  # the amount error, no new computation
    assert events == []


# --- the Rasa data of the calculator ---------------------------------------------------------------

def test_domain_fragment_declares_every_slot_the_actions_use():
    assert set(IJ_SLOTS) | {"statut"} <= set(DOMAIN["slots"])
    assert all(DOMAIN["slots"][name]["mappings"] == [{"type": "custom"}] for name in IJ_SLOTS)
    assert DOMAIN["forms"]["ij_form"]["required_slots"] == ["statut", "ij_revenu"]
    assert {"validate_ij_form", "action_ij_compute"} <= set(DOMAIN["actions"])
    for slot in ("statut", "ij_activite", "ij_caisse", "ij_revenu"):
        assert f"utter_ask_{slot}" in DOMAIN["responses"]


def test_nlu_heldout_and_factcheck_files():
    from assistant.nlu_data import examples_by_intent
    from assistant.text import fold

    training = examples_by_intent([ROOT / "data" / "nlu" / "ij.yml"])["ask_ij"]
    heldout = examples_by_intent([ROOT / "tests" / "heldout" / "ij.yml"])["ask_ij"]
    assert len(training) >= 30 and len(heldout) >= 8
    assert not {fold(t) for t in training} & {fold(t) for t in heldout}
    cases = yaml.safe_load((ROOT / "tests" / "factcheck" / "ij.yml").read_text(encoding="utf-8"))
    assert len(cases) >= 8 and len({c["id"] for c in cases}) == len(cases)
    assert all(c["say"] and c["expect"] for c in cases)
    assert any(c.get("answers") for c in cases)


def test_rules_start_the_form_and_answer_when_it_is_done():
    rules = yaml.safe_load((ROOT / "data" / "rules_ij.yml").read_text(encoding="utf-8"))["rules"]
    steps = [step for rule in rules for step in rule["steps"]]
    assert {"intent": "ask_ij"} in steps and {"action": "ij_form"} in steps
    assert {"action": "action_ij_compute"} in steps
