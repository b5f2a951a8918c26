"""The text the forms read from the user's turn, and the question "vouliez-vous dire…" was about.

Usually the forms read the latest message. A click on a "vouliez-vous dire…" button is
different: when the classifier hesitated over "je suis artisan et je vais être arrêté 3
semaines", the user clicks "Calculer mes indemnités journalières" and the message is the
payload "/ask_ij", which holds no value; the form would ask again for the status and the
length of leave the user has just given. For such a click the forms read the question the
buttons were offered for.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from rasa_sdk import Tracker

from assistant.text import is_button_payload

CLARIFY_ACTION = "action_clarify"


def clarified_question(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The user event "vouliez-vous dire…" buttons were offered for, when the latest message
    is the user's next turn after them; None otherwise."""
    users = [i for i, event in enumerate(tracker.events) if event.get("event") == "user"]
    if len(users) < 2:
        return None
    question, reply = users[-2], users[-1]
    offered = any(event.get("event") == "action" and event.get("name") == CLARIFY_ACTION
                  for event in tracker.events[question:reply])
    return tracker.events[question] if offered else None


def form_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    if not is_button_payload(text):
        return text
    question = clarified_question(tracker)
    return (question.get("text") or text) if question else text
