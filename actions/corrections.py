"""A value sent right after a tool's answer corrects that answer ("non, 25 000", "non, à Nancy").

Both tools (IJ, agency) forget their inputs once they have answered, so that the next question
starts afresh. Without this, a correction typed right after the answer would get the polite
"que souhaitez-vous savoir ?" and be lost. Each tool keeps its last inputs in one slot; the
correction puts them back and lets the form's own extractors read the new message over them,
so that a correction is read exactly like an answer inside the form.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

NOTHING_TO_CORRECT = "utter_inform_without_context"


def remember(tracker: Tracker, slots: List[Text], precedent: Text) -> EventType:
    """The answer's inputs, stored for a correction right after it."""
    return SlotSet(precedent, {slot: tracker.get_slot(slot) for slot in slots if tracker.get_slot(slot) is not None})


async def read_correction(form: FormValidationAction, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict, precedent: Text) -> Tuple[Tracker, List[Dict[Text, Any]]]:
    """The tracker with the last inputs put back and the new message read over them, and what
    changed. Nothing changed (or no previous answer): the usual reply to a bare value is sent."""
    previous = tracker.get_slot(precedent) or {}
    corrected = tracker.copy()
    corrected.slots.update(previous)
    changes = [] if not previous else [
        event for event in await form.get_extraction_events(dispatcher, corrected, domain)
        if previous.get(event["name"]) != event["value"]]
    if not changes:
        dispatcher.utter_message(response=NOTHING_TO_CORRECT)
    return corrected, changes
