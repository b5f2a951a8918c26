"""Rasa adapters of the IJ calculator: the form's slot extraction/validation and the answer.

All logic is in ``assistant.ij``; this module only moves values between slots and the
typed request. Every slot is read from the raw text of each new user message, so that
"commerçant, 42 000 € de revenu, arrêt de 10 jours" fills three slots at once and
"non, 25 000" corrects the income, whatever intent the classifier chose.

Right after an answer, the same holds: the answer's inputs are kept (``ij_precedent``) so that
"non, 25 000" or "plutôt 2 mois" gets the answer computed again with that one value changed,
instead of a polite "que souhaitez-vous savoir ?" that loses what the user just said.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.corrections import SAME_ANSWER, not_a_correction, read_correction, remember
from actions.user_text import form_text
from assistant.ij import (AmountError, IJRequest, MicroActivity, compute, load_params, parse_activity, parse_caisse,
                          parse_hospitalisation, parse_incomes, parse_leave_date, parse_leave_days, parse_retired,
                          parse_therapeutic_part_time, render_answer)
from assistant.ij.amounts import MAX_AMOUNT, AmountErrorKind
from assistant.ij.explain import (activity_before_status_message, amount_error_message, invalid_choice_message,
                                   missing_information_message)
from assistant.ij.model import CAISSE_LAWYERS, CAISSE_REGIME_GENERAL, CAISSE_UNKNOWN
from assistant.statuses import Status, parse_status
from assistant.text import fold

FORM = "ij_form"
TOOL_INTENT = "ask_ij"
STATUT = "statut"  # shared with the agency form: kept after the answer
ACTIVITE, CAISSE, REVENU, REVENUS = "ij_activite", "ij_caisse", "ij_revenu", "ij_revenus"
DUREE, DATE, HOSPITALISATION, TPT, RETRAITE = "ij_duree", "ij_date", "ij_hospitalisation", "ij_tpt", "ij_retraite"
# Read on every turn but never asked: they refine the answer when the user mentions them.
OPTIONAL_SLOTS = [DUREE, DATE, HOSPITALISATION, TPT, RETRAITE]
IJ_SLOTS = [ACTIVITE, CAISSE, REVENU, REVENUS] + OPTIONAL_SLOTS
PRECEDENT = "ij_precedent"  # the slots of the last computed answer, for a correction
ACTION_LISTEN = "action_listen"
_LEAVE_WORDS = re.compile(r"\b(?:arret\w*|malade|maladie|hospitali\w*)\b")
_CORRECTION = re.compile(r"\b(?:je\s+suis|en\s+fait|finalement|plutot|non|pas|statut|erreur|trompe)\b")


def _is_new_user_turn(tracker: Tracker) -> bool:
    """Only a message the user just sent is read; a form resumed after a digression is not.

    When the form comes back after an FAQ answer, the latest message is the FAQ question:
    reading it again could take a figure from it for the income. Rasa runs this validation
    inside the form with ``ActionExecuted(ij_form)`` appended to the tracker, so the action
    that counts is the one before it: ``action_listen`` means the user has just spoken.
    """
    actions = [event.get("name") for event in tracker.events if event.get("event") == "action"]
    if actions and actions[-1] == FORM:
        actions.pop()
    if not actions:
        return tracker.latest_action_name in (ACTION_LISTEN, FORM, None)
    return actions[-1] == ACTION_LISTEN


def valid_caisses() -> set[str]:
    return set(load_params().sections) | {CAISSE_LAWYERS, CAISSE_REGIME_GENERAL, CAISSE_UNKNOWN}


class ValidateIJForm(FormValidationAction):
    """Fills the IJ form from free text; asks the activity or the caisse only when they matter."""

    def name(self) -> Text:
        return "validate_ij_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        slots = list(domain_slots)
        statut = tracker.get_slot(STATUT)
        extra = []
        if statut == Status.MICRO_ENTREPRENEUR.value:
            extra.append(ACTIVITE)
        if statut == Status.PROFESSION_LIBERALE.value:
            extra.append(CAISSE)
        position = slots.index(STATUT) + 1 if STATUT in slots else 0
        slots = slots[:position] + [s for s in extra if s not in slots] + slots[position:]
        if statut == Status.CONJOINT_COLLABORATEUR.value or tracker.get_slot(CAISSE) == CAISSE_LAWYERS:
            slots.remove(REVENU)  # flat allowance, or a scheme we do not compute: no need to ask
        return slots

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[Text, Any]]:
        """Run every ``extract_*`` on each new message, optional slots included (in this order)."""
        if not _is_new_user_turn(tracker):
            return []
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        names = [STATUT] + [s for s in required if s != STATUT] + [CAISSE, ACTIVITE] + OPTIONAL_SLOTS
        extracted: Dict[Text, Any] = {}
        for name in dict.fromkeys(names):
            values = getattr(self, f"extract_{name}")(dispatcher, tracker, domain)
            extracted.update(values)
            tracker.slots.update(values)
        return [SlotSet(slot, value) for slot, value in extracted.items()]

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[Text, Any]]:
        """The base class drops slots that are not required; keep the optional ones."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        validated = {event["name"] for event in events}
        recent = tracker.slots_to_validate()
        events += [SlotSet(name, recent[name]) for name in OPTIONAL_SLOTS + [REVENUS, ACTIVITE, CAISSE]
                   if name in recent and name not in validated]
        return events

    # --- extraction: one parser per slot, None/{} when the message says nothing about it -------

    def extract_statut(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = form_text(tracker)
        match = parse_status(text)
        if match is None:
            # the status lexicon wants "je suis retraité"; the question invites a bare "retraité"
            return {STATUT: Status.RETRAITE.value} if parse_retired(text) else {}
        if match.status is Status.RETRAITE and not parse_retired(text):
            return {}  # "caisse de retraite" is not "je suis retraité"
        current = tracker.get_slot(STATUT)
        answering = tracker.get_slot("requested_slot") not in (None, STATUT)
        if current and match.status.value != current and answering and not _CORRECTION.search(fold(text)):
            return {}  # "BNC" answers the activity question, "mon magasin" the income one: same status
        return {STATUT: match.status.value}

    def extract_ij_activite(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        statut = tracker.get_slot(STATUT)
        activity = parse_activity(form_text(tracker))
        if activity is None:
            return {}
        if statut in (Status.MICRO_ENTREPRENEUR.value, Status.RETRAITE.value):
            return {ACTIVITE: activity.value}
        if statut is None and tracker.get_slot("requested_slot") == STATUT:
            # "vente de marchandises" given to the status question: a micro-entrepreneur or a
            # commerçant may say that. Keep the activity (not asked again) and ask the status.
            dispatcher.utter_message(text=activity_before_status_message(load_params().abatements[activity].label))
            return {ACTIVITE: activity.value}
        return {}

    def extract_ij_caisse(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[Text, Any]:
        statut = tracker.get_slot(STATUT)
        if statut not in (Status.PROFESSION_LIBERALE.value, Status.MICRO_ENTREPRENEUR.value):
            return {}
        caisse = parse_caisse(form_text(tracker))
        if caisse is None:
            return {}
        if caisse == CAISSE_UNKNOWN and tracker.get_slot("requested_slot") != CAISSE:
            return {}  # "je ne sais pas" answers the question being asked, not this one
        if statut == Status.MICRO_ENTREPRENEUR.value and caisse in (CAISSE_UNKNOWN, CAISSE_REGIME_GENERAL):
            return {}
        return {CAISSE: caisse}

    def extract_ij_revenu(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[Text, Any]:
        expecting = tracker.get_slot("requested_slot") == REVENU
        try:
            incomes = parse_incomes(form_text(tracker), expecting=expecting)
        except AmountError as error:
            dispatcher.utter_message(text=amount_error_message(error.kind, MAX_AMOUNT))
            return {REVENU: None, REVENUS: None}
        if incomes is None:
            return {}
        average = sum(incomes, Decimal(0)) / len(incomes)
        return {REVENU: float(average), REVENUS: [float(v) for v in incomes] if len(incomes) > 1 else None}

    def extract_ij_duree(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        days = parse_leave_days(form_text(tracker))
        return {DUREE: float(days)} if days else {}

    def extract_ij_date(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = form_text(tracker)
        if tracker.get_slot("requested_slot") == REVENU and not _LEAVE_WORDS.search(fold(text)):
            return {}  # a year in the answer about incomes is the year of an income
        day = parse_leave_date(text)
        return {DATE: day.isoformat()} if day else {}

    def extract_ij_hospitalisation(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        said = parse_hospitalisation(form_text(tracker))
        return {} if said is None else {HOSPITALISATION: said}

    def extract_ij_tpt(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        said = parse_therapeutic_part_time(form_text(tracker))
        return {} if said is None else {TPT: said}

    def extract_ij_retraite(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        said = parse_retired(form_text(tracker))
        return {} if said is None else {RETRAITE: said}

    # --- validation: values may also come from buttons or other mappings ---------------------

    def validate_statut(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {STATUT: None}
        if value in {s.value for s in Status}:
            return {STATUT: value}
        match = parse_status(str(value))
        if match is None:
            dispatcher.utter_message(text=invalid_choice_message("ce statut"))
            return {STATUT: None}
        return {STATUT: match.status.value}

    def validate_ij_activite(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        if value is None or value in {a.value for a in MicroActivity}:
            return {ACTIVITE: value}
        activity = parse_activity(str(value))
        if activity is None:
            dispatcher.utter_message(text=invalid_choice_message("ce type d'activité"))
        return {ACTIVITE: activity.value if activity else None}

    def validate_ij_caisse(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        if value is None or value in valid_caisses():
            return {CAISSE: value}
        caisse = parse_caisse(str(value))
        if caisse is None:
            dispatcher.utter_message(text=invalid_choice_message("cette caisse"))
        return {CAISSE: caisse}

    def validate_ij_revenu(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {REVENU: None}
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            amount = Decimal("NaN")
        kind = (AmountErrorKind.NOT_A_NUMBER if not amount.is_finite() else
                AmountErrorKind.NEGATIVE if amount < 0 else
                AmountErrorKind.TOO_LARGE if amount > MAX_AMOUNT else None)
        if kind is not None:
            dispatcher.utter_message(text=amount_error_message(kind, MAX_AMOUNT))
            return {REVENU: None, REVENUS: None}
        return {REVENU: float(amount)}


def request_from_slots(tracker: Tracker) -> Optional[IJRequest]:
    """The typed request from the slots, or None when something needed is missing."""
    statut, revenu = tracker.get_slot(STATUT), tracker.get_slot(REVENU)
    if statut not in {s.value for s in Status}:
        return None
    status = Status(statut)
    if revenu is None:
        if status is not Status.CONJOINT_COLLABORATEUR and tracker.get_slot(CAISSE) != CAISSE_LAWYERS:
            return None
        revenu = 0  # not used: flat allowance (conjoint) or no computation (lawyer)
    activite = tracker.get_slot(ACTIVITE)
    activity = MicroActivity(activite) if activite in {a.value for a in MicroActivity} else None
    if status is Status.MICRO_ENTREPRENEUR and activity is None:
        return None
    revenus = tracker.get_slot(REVENUS) or []
    incomes = tuple(Decimal(str(v)) for v in revenus) if len(revenus) > 1 else ()
    date_text = tracker.get_slot(DATE)
    try:
        leave_start = dt.date.fromisoformat(date_text) if date_text else None
    except ValueError:
        leave_start = None
    duree = tracker.get_slot(DUREE)
    return IJRequest(
        status=status,
        average_income=None if incomes else Decimal(str(revenu)),
        incomes=incomes,
        micro_activity=activity,
        caisse=tracker.get_slot(CAISSE),
        leave_start=leave_start,
        leave_days=max(1, int(round(float(duree)))) if duree else None,
        hospitalisation=bool(tracker.get_slot(HOSPITALISATION)),
        therapeutic_part_time=bool(tracker.get_slot(TPT)),
        retired=bool(tracker.get_slot(RETRAITE)),
    )


def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Sends the amount and its explanation, then forgets the IJ answers (not the status).

    The next question starts afresh; only a correction made right after this answer
    (ActionIJCorrect) brings the forgotten values back, from ``ij_precedent``.
    """
    request = request_from_slots(tracker)
    events = [SlotSet(slot, None) for slot in IJ_SLOTS]
    if request is None:
        dispatcher.utter_message(text=missing_information_message())
        return events
    dispatcher.utter_message(text=render_answer(compute(request), load_params()))
    return events + [remember(tracker, [STATUT] + IJ_SLOTS, PRECEDENT)]


def answer_from_copy(dispatcher: CollectingDispatcher, copy: Tracker) -> List[Dict[Text, Any]]:
    """`answer` computed on a copy of the conversation (a correction, values typed after the
    buttons): `answer` keeps the status rather than setting it, so the one read on the copy is
    set in the conversation too."""
    return [SlotSet(STATUT, copy.get_slot(STATUT))] + answer(dispatcher, copy)


class ActionIJCompute(Action):
    def name(self) -> Text:
        return "action_ij_compute"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        return answer(dispatcher, tracker)


class ActionIJCorrect(Action):
    """"non, 25 000" or "plutôt 2 mois" right after an IJ answer: the amount is computed again
    with that value changed (actions/corrections.py); "à Lyon" changes nothing here."""

    def name(self) -> Text:
        return "action_ij_correct"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        corrected, changes, given = await read_correction(ValidateIJForm(), dispatcher, tracker, domain, PRECEDENT)
        if not changes:
            return not_a_correction(dispatcher, tracker, domain, given, SAME_ANSWER)
        if corrected.get_slot(REVENU) is None and any(e["name"] == REVENU for e in changes):
            return []  # an impossible amount: the extractor has said why; the last answer stands
        return answer_from_copy(dispatcher, corrected)
