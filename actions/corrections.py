"""A value sent right after a tool's answer corrects that answer ("non, 25 000", "non, à Nancy").

Both tools (IJ, agency) forget their inputs once they have answered, so that the next question
starts afresh. Without this, a correction typed right after the answer would get the polite
"que souhaitez-vous savoir ?" and be lost. Each tool keeps its last inputs in one slot; the
correction puts them back and lets the form's own extractors read the new message over them,
so that a correction is read exactly like an answer inside the form.

The classifier may also be unsure of such a message ("et si c'est 2 mois ?", "je me suis
trompé, c'est à Roubaix" under `nlu_fallback`): right after an answer, a message that changes
one of its inputs is a correction; one that repeats them ("Roubaix" after an answer for Lille:
the same département) is told that the answer stands; any other gets the reply it would have
had anyway ("vouliez-vous dire…" buttons, or the note taken of a bare value).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.menu import ActionClarify

FALLBACK = "nlu_fallback"
BARE_VALUE_REPLY = "utter_inform_without_context"
SAME_ANSWER = {"response": "utter_correction_unchanged"}


def remember(tracker: Tracker, slots: List[Text], precedent: Text) -> EventType:
    """The answer's inputs, stored for a correction right after it."""
    return SlotSet(precedent, {slot: tracker.get_slot(slot) for slot in slots if tracker.get_slot(slot) is not None})


async def read_correction(form: FormValidationAction, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict, precedent: Text) -> Tuple[Tracker, List[Dict[Text, Any]], List[Text]]:
    """The tracker with the last inputs put back and the new message read over them, what
    changed, and the inputs the message gave (none without a previous answer)."""
    previous = tracker.get_slot(precedent) or {}
    corrected = tracker.copy()
    corrected.slots.update(previous)
    found = await form.get_extraction_events(dispatcher, corrected, domain) if previous else []
    changes = [event for event in found if previous.get(event["name"]) != event["value"]]
    return corrected, changes, [event["name"] for event in found]


def not_a_correction(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                     given: List[Text], same_answer: Dict[Text, Any]) -> List[EventType]:
    """The answer stands (the message repeats its inputs: `same_answer` is what to say), or the
    reply the message would have had if no answer had come just before it."""
    if given:
        dispatcher.utter_message(**same_answer)
    elif ((tracker.latest_message or {}).get("intent") or {}).get("name") == FALLBACK:
        return ActionClarify().run(dispatcher, tracker, domain)
    else:
        dispatcher.utter_message(response=BARE_VALUE_REPLY)
    return []
