"""Values typed after "vouliez-vous dire…" buttons instead of a click.

"je suis artisan et je vais être arrêté 3 semaines" gets buttons (calculate the allowance?
declare the leave?). Many users answer by typing what they guess is missing ("environ 28 000
par an") rather than clicking, and that bare value used to get the note "merci pour cette
précision", the question being lost. When the buttons offered a tool and the question and the
typed value together give it something to work with, the tool starts from both: it answers at
once when it has all it needs, otherwise its form asks for what is missing.
"""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import agency, ij
from actions.corrections import BARE_VALUE_REPLY
from actions.menu import candidates
from actions.user_text import clarified_question


def _start_ij(dispatcher: CollectingDispatcher, tracker: Tracker, found: List[EventType]) -> List[EventType]:
    if ij.request_from_slots(tracker) is None:
        return found + [FollowupAction(ij.FORM)]
    return ij.answer_from_copy(dispatcher, tracker)


async def _start_agency(dispatcher: CollectingDispatcher, tracker: Tracker, found: List[EventType],
                        domain: DomainDict) -> List[EventType]:
    required = await agency.ValidateAgencyForm().required_slots([], dispatcher, tracker, domain)
    if any(tracker.get_slot(slot) is None for slot in required):
        return found + [FollowupAction(agency.FORM)]
    return agency.answer_from_copy(dispatcher, tracker)


class ActionStartOfferedTool(Action):
    def name(self) -> Text:
        return "action_start_offered_tool"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        question = clarified_question(tracker)
        offered = {c["intent"] for c in candidates((question or {}).get("parse_data") or {})}
        typed = (tracker.latest_message or {}).get("text") or ""
        for intent, form in ((ij.TOOL_INTENT, ij.ValidateIJForm()), (agency.TOOL_INTENT, agency.ValidateAgencyForm())):
            if intent not in offered:
                continue
            both = tracker.copy()
            both.latest_message = {**(tracker.latest_message or {}), "text": f"{question.get('text') or ''} {typed}"}
            found = await form.get_extraction_events(dispatcher, both, domain)
            if not found:
                continue
            if intent == ij.TOOL_INTENT:
                return _start_ij(dispatcher, both, found)
            return await _start_agency(dispatcher, both, found, domain)
        dispatcher.utter_message(response=BARE_VALUE_REPLY)
        return []
