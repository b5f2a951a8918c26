"""The text the forms read from the user's turn.

Usually the latest message. A click on a "vouliez-vous dire…" button is different: when the
classifier hesitated over "je suis artisan et je vais être arrêté 3 semaines", the user clicks
"Calculer mes indemnités journalières" and the message is the payload "/ask_ij", which holds no
value; the form would ask again for the status and the length of leave the user has just
given. For such a click the forms read the question the buttons were offered for.
"""
from __future__ import annotations

from rasa_sdk import Tracker

from assistant.text import is_button_payload

CLARIFY_ACTION = "action_clarify"


def form_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    if not is_button_payload(text):
        return text
    users = [i for i, event in enumerate(tracker.events) if event.get("event") == "user"]
    if len(users) < 2:
        return text
    question, click = users[-2], users[-1]
    offered = any(event.get("event") == "action" and event.get("name") == CLARIFY_ACTION
                  for event in tracker.events[question:click])
    return (tracker.events[question].get("text") or text) if offered else text
