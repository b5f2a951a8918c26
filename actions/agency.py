"""Agency finder actions: adapters from the tracker to assistant.agency.

Every slot of the form is read from the latest user message on every turn, so one sentence
("boulanger à Metz, quelle est ma caisse de retraite ?") fills everything and a correction
("non, à Nancy") overwrites what was understood before. Right after the answer too: its
inputs are kept (``agency_precedent``) and "non, à Nancy" gets the answer for Nancy.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.corrections import SAME_ANSWER, not_a_correction, read_correction, remember
from actions.user_text import form_text
from assistant.agency.cases import parse_case
from assistant.agency.directory import find_contacts, needs_departement, needs_status, render
from assistant.agency.geography import geography
from assistant.agency.places import choose_among, code_of_label, is_departement, parse_place
from assistant.agency.themes import parse_theme, parse_theme_value
from assistant.statuses import Status, StatusMatch, parse_status
from assistant.text import fold, words

DEPARTEMENT = "departement"
FORM = "agency_form"
TOOL_INTENT = "ask_agency"
STATUT = "statut"          # shared with the IJ form
CAISSE = "caisse"          # CNAVPL section / "CNBF" / "regime_general", found with the status
THEME = "agency_theme"
CASE = "agency_case"
CANDIDATES = "agency_place_candidates"
REQUESTED_SLOT = "requested_slot"
PRECEDENT = "agency_precedent"  # the slots of the last answer, for a correction
# Read in this order: the questions to ask depend on the theme and the case.
EXTRACTED_SLOTS = (CASE, THEME, STATUT, CAISSE, DEPARTEMENT)
# Intents under which a message that only brings a theme or a status still answers the form;
# under any other intent (an FAQ question asked mid-form) the form lets the FAQ rule answer.
FORM_INTENTS = {"ask_agency", "inform", "affirm", "deny"}
MAX_BUTTONS = 6

# Index the 37 000 communes when the action server starts (about a second), not during the
# first user's turn.
geography()


def _status(value: Any) -> Optional[Status]:
    try:
        return Status(value) if value else None
    except ValueError:
        return None


def _stated_status(text: Text) -> Optional[StatusMatch]:
    """parse_status, minus one known false positive reported to the lead: its fuzzy match
    reads "caisse de retraite" as "déjà retraité". A retired status must be written out."""
    found = parse_status(text)
    if found and found.status is Status.RETRAITE and f" {fold(found.matched)} " not in f" {' '.join(words(text))} ":
        return None
    return found


class ValidateAgencyForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_agency_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        theme = parse_theme_value(tracker.get_slot(THEME))
        case = tracker.get_slot(CASE)
        slots = [DEPARTEMENT] if needs_departement(case) else []
        if needs_status(theme, case):
            slots.append(STATUT)
        return slots

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Extract every agency slot, not only the required ones: the theme and the case decide
        which slots are required."""
        found: Dict[Text, Any] = {}
        for slot in EXTRACTED_SLOTS:
            output = await self._extract_slot(slot, dispatcher, tracker, domain)
            found.update(output)
            tracker.slots.update(output)
        return [SlotSet(slot, value) for slot, value in found.items()]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        extracted = await self.get_extraction_events(dispatcher, tracker, domain)
        if not self._answers_the_form(tracker, extracted):
            extracted = []
        tracker.add_slots(extracted)
        validated = await self._extract_validation_events(dispatcher, tracker, domain)
        names = {event["name"] for event in validated if event.get("event") == "slot"}
        # Slots outside the required list are not returned by the SDK's validation: return them.
        return [event for event in extracted if event["name"] not in names] + validated

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Optional[EventType]:
        """Always say which slot comes next (the SDK stays silent when the list equals the
        domain's), so the order of questions is decided here only."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        missing = next((slot for slot in required if tracker.slots.get(slot) is None), None)
        return SlotSet(REQUESTED_SLOT, missing)

    @staticmethod
    def _answers_the_form(tracker: Tracker, extracted: List[EventType]) -> bool:
        requested = tracker.get_slot(REQUESTED_SLOT)
        if not requested:
            return True  # activation: the question itself
        if any(event["name"] in (requested, CANDIDATES) for event in extracted):
            return True
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        return intent in FORM_INTENTS

    # --- extraction: one parser per slot, all on the latest message ---------------------
    def extract_departement(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        text = form_text(tracker)
        pending = [code for code in map(code_of_label, tracker.get_slot(CANDIDATES) or []) if code]
        chosen = choose_among(text, pending) if pending else None
        if chosen:
            return {DEPARTEMENT: chosen, CANDIDATES: None}
        place = parse_place(text)
        if place.resolved:
            return {DEPARTEMENT: place.departement, CANDIDATES: None}
        if place.ambiguous:
            # Keep the slot empty: the form asks again, with the candidates as buttons.
            return {DEPARTEMENT: None, CANDIDATES: [c.label for c in place.candidates]}
        return {}

    def extract_statut(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Dict[Text, Any]:
        found = _stated_status(form_text(tracker))
        return {STATUT: found.status.value} if found else {}

    def extract_caisse(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Dict[Text, Any]:
        found = _stated_status(form_text(tracker))
        # A new status replaces the caisse too ("artisan" after "infirmière": no CARPIMKO left).
        return {CAISSE: found.caisse} if found else {}

    def extract_agency_theme(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        theme = parse_theme(form_text(tracker))
        return {THEME: theme.value} if theme else {}

    def extract_agency_case(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        case = parse_case(form_text(tracker))
        return {CASE: case.id} if case else {}

    # --- validation ----------------------------------------------------------------------
    def validate_departement(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        return {DEPARTEMENT: value if is_departement(value) else None}

    def validate_statut(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[Text, Any]:
        status = _status(value)
        return {STATUT: status.value if status else None}


class ActionAskAgencyDepartement(Action):
    """Ask where the user lives, or which of the places they named they meant."""

    def name(self) -> Text:
        return "action_ask_agency_form_departement"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        candidates = tracker.get_slot(CANDIDATES) or []
        if candidates:
            dispatcher.utter_message(
                text="Plusieurs départements sont possibles. Lequel est le vôtre ? Vous pouvez aussi écrire son numéro.",
                buttons=[{"title": label, "payload": label} for label in candidates[:MAX_BUTTONS]],
            )
        else:
            dispatcher.utter_message(response="utter_ask_departement")
        return []


def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Send the organismes, then forget the place and theme so the next question starts fresh.

    Only a correction made right after this answer (ActionAgencyCorrect) brings them back,
    from ``agency_precedent``.
    """
    try:
        contacts = find_contacts(
            tracker.get_slot(DEPARTEMENT),
            status=_status(tracker.get_slot(STATUT)),
            theme=parse_theme_value(tracker.get_slot(THEME)),
            caisse=tracker.get_slot(CAISSE),
            case=tracker.get_slot(CASE),
        )
    except ValueError:
        dispatcher.utter_message(response="utter_ask_departement")
        return [SlotSet(DEPARTEMENT, None)]
    dispatcher.utter_message(text=render(contacts))
    return [SlotSet(DEPARTEMENT, None), SlotSet(THEME, None), SlotSet(CASE, None), SlotSet(CANDIDATES, None),
            remember(tracker, list(EXTRACTED_SLOTS), PRECEDENT)]


def answer_from_copy(dispatcher: CollectingDispatcher, copy: Tracker) -> List[EventType]:
    """`answer` computed on a copy of the conversation (a correction, values typed after the
    buttons): `answer` keeps the status and its caisse rather than setting them, so the ones
    read on the copy are set in the conversation too."""
    return [SlotSet(slot, copy.get_slot(slot)) for slot in (STATUT, CAISSE)] + answer(dispatcher, copy)


class ActionAgencyAnswer(Action):
    def name(self) -> Text:
        return "action_agency_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return answer(dispatcher, tracker)


class ActionAgencyCorrect(Action):
    """"non, à Nancy" or "je suis artisan" right after an agency answer: the organismes are
    looked up again with that value changed (actions/corrections.py). A place that fits several
    départements ("Saint-Denis") is asked about with buttons, as in the form; the click comes
    back here."""

    def name(self) -> Text:
        return "action_agency_correct"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        corrected, changes, given = await read_correction(ValidateAgencyForm(), dispatcher, tracker, domain, PRECEDENT)
        if not changes:
            departement = corrected.get_slot(DEPARTEMENT) if DEPARTEMENT in given else None
            same = ({"response": "utter_agency_same_departement", "departement": geography().departements[departement].label}
                    if departement else SAME_ANSWER)
            return not_a_correction(dispatcher, tracker, domain, given, same)
        if corrected.get_slot(DEPARTEMENT) is None and corrected.get_slot(CANDIDATES):
            ActionAskAgencyDepartement().run(dispatcher, corrected, domain)
            return [SlotSet(CANDIDATES, corrected.get_slot(CANDIDATES))]
        return answer_from_copy(dispatcher, corrected)
