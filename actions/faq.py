"""Answer an FAQ intent with its entry from ``knowledge/faq``."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant import faq

# With personal data in a message the intent is replaced (see components/pii_guard.py); the
# question is still answered when the classifier was this sure of what was asked.
ORIGINAL_INTENT_MIN_CONFIDENCE = 0.55


def answer_entry(dispatcher: CollectingDispatcher, intent: Optional[Text]) -> List[Dict]:
    entry = faq.entry_for_intent(intent or "")
    if entry is None:
        return []
    dispatcher.utter_message(text=entry.answer)
    return [SlotSet("derniere_reponse", entry.id)]


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        events = answer_entry(dispatcher, tracker.get_intent_of_latest_message())
        if not events:
            dispatcher.utter_message(response="utter_default")
        return events


class ActionPersonalData(Action):
    """Warn the user who typed personal data (already masked), then answer if we can."""

    def name(self) -> Text:
        return "action_personal_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(response="utter_personal_data")
        original = tracker.latest_message.get("pii_original_intent") or {}
        if (original.get("confidence") or 0.0) >= ORIGINAL_INTENT_MIN_CONFIDENCE:
            return answer_entry(dispatcher, original.get("name"))
        return []
