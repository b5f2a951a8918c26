"""Values typed after "vouliez-vous dire…" buttons start the tool the buttons offered."""
import asyncio
from pathlib import Path
from typing import Any, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.offered_tools import ActionStartOfferedTool

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def after_buttons(question: str, ranking: list[tuple[str, float]], typed: str,
                  slots: Optional[dict] = None) -> tuple[list[dict], dict, list[dict]]:
    """What action_start_offered_tool says and does when `typed` follows the buttons for `question`."""
    asked = {"text": question, "intent": {"name": "nlu_fallback", "confidence": 0.3},
             "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}
    latest = {"text": typed, "intent": {"name": "inform", "confidence": 0.9}, "entities": []}
    events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": question, "parse_data": asked},
              {"event": "action", "name": "action_clarify"}, {"event": "bot", "text": "Vouliez-vous dire…"},
              {"event": "action", "name": "action_listen"}, {"event": "user", "text": typed, "parse_data": latest}]
    values: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    values.update(slots or {})
    tracker = Tracker("test-user", values, latest, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionStartOfferedTool().run(dispatcher, tracker, DOMAIN))
    slot_values = {e["name"]: e["value"] for e in result if e["event"] == "slot"}
    return dispatcher.messages, slot_values, [e for e in result if e["event"] == "followup"]


IJ_OR_LEAVE = [("nlu_fallback", 0.3), ("ask_ij", 0.28), ("faq_sante_arret_travail", 0.25)]


def test_the_question_and_the_typed_income_give_the_answer():
    messages, slots, followups = after_buttons("je suis artisan et je vais être arrêté 3 semaines", IJ_OR_LEAVE,
                                               "environ 28000 par an")
    text = messages[0]["text"]
    assert "28 000 € ÷ 730" in text and "Arrêt de 21 jours" in text
    assert slots["statut"] == "artisan" and followups == []


def test_what_is_still_missing_is_asked_by_the_form():
    messages, slots, followups = after_buttons("je vais être arrêté 3 semaines", IJ_OR_LEAVE, "28 000 €")
    assert slots["ij_revenu"] == 28000.0 and slots["ij_duree"] == 21.0
    assert followups == [{"event": "followup", "timestamp": None, "name": "ij_form"}]
    assert messages == []


def test_a_place_typed_after_agency_buttons_gives_the_organismes():
    ranking = [("nlu_fallback", 0.3), ("ask_agency", 0.27), ("faq_rg_interlocuteurs", 0.22)]
    messages, _, followups = after_buttons("c'est qui qui s'occupe de moi maintenant", ranking, "boulangère à Lyon")
    assert "Rhône (69)" in messages[0]["text"] and followups == []
    # The place alone: the agency form goes on and asks the status, as it would have.
    messages, slots, followups = after_buttons("c'est qui qui s'occupe de moi maintenant", ranking, "à Lyon")
    assert slots["departement"] == "69" and [f["name"] for f in followups] == ["agency_form"] and messages == []


def test_without_a_tool_among_the_buttons_the_value_is_only_noted():
    ranking = [("nlu_fallback", 0.3), ("faq_sante_arret_travail", 0.28), ("faq_sante_carte_vitale_perdue", 0.2)]
    messages, slots, followups = after_buttons("je vais être arrêté", ranking, "28 000 €")
    assert [m.get("response") for m in messages] == ["utter_inform_without_context"]
    assert slots == {} and followups == []
    # A tool was offered but the value says nothing to it.
    messages, _, _ = after_buttons("je vais être arrêté", IJ_OR_LEAVE, "à Lyon")
    assert [m.get("response") for m in messages] == ["utter_inform_without_context"]
