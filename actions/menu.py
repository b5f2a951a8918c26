"""Help menu and "did you mean" buttons, built from the knowledge base so they never drift."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant import faq
from assistant.knowledge import load_yaml

# Below this confidence an intent is not worth proposing as a button.
MIN_CANDIDATE_CONFIDENCE = 0.15
MAX_CANDIDATES = 3


def intent_title(intent: Text) -> Optional[Text]:
    entry = faq.entry_for_intent(intent)
    if entry is not None:
        return entry.title
    for tool in load_yaml("menu.yml")["tools"]:
        if tool["intent"] == intent:
            return tool["title"]
    return None


def button(title: Text, intent: Text, entities: Optional[Dict[Text, Text]] = None) -> Dict[Text, Text]:
    payload = "/" + intent + (json.dumps(entities, ensure_ascii=False) if entities else "")
    return {"title": title, "payload": payload}


def candidates(message: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The intents the classifier hesitated between for `message` (parse data), best first,
    that have a title: the "vouliez-vous dire…" buttons."""
    found = []
    for item in message.get("intent_ranking") or []:
        name, confidence = item.get("name"), item.get("confidence") or 0.0
        if confidence < MIN_CANDIDATE_CONFIDENCE or len(found) >= MAX_CANDIDATES:
            continue
        title = intent_title(name) if name else None
        if title:
            found.append({"intent": name, "title": title, "confidence": confidence})
    return found


class ActionHelp(Action):
    """What I can do: the tools and the FAQ topics, as buttons."""

    def name(self) -> Text:
        return "action_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        buttons = [button(tool["title"], tool["intent"]) for tool in load_yaml("menu.yml")["tools"]]
        buttons += [button(topic.label, "help_topic", {"faq_topic": topic.id}) for topic in faq.topics()]
        dispatcher.utter_message(response="utter_help_intro", buttons=buttons)
        return []


class ActionHelpTopic(Action):
    """The questions of one FAQ topic, as buttons."""

    def name(self) -> Text:
        return "action_help_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        wanted = tracker.get_slot("faq_topic")
        topic = next((t for t in faq.topics() if t.id == wanted), None)
        if topic is None:
            return ActionHelp().run(dispatcher, tracker, domain)
        dispatcher.utter_message(
            response="utter_help_topic_intro",
            topic=topic.label,
            buttons=[button(entry.title, entry.intent) for entry in topic.entries],
        )
        return [SlotSet("faq_topic", None)]


class ActionClarify(Action):
    """Low confidence or two close intents: ask which one was meant instead of guessing."""

    def name(self) -> Text:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        found = candidates(tracker.latest_message or {})
        if found:
            buttons = [button(c["title"], c["intent"]) for c in found]
            buttons.append(button("Autre chose", "help"))
            dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_default")
        return []
