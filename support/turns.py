"""One conversation turn, read from Rasa tracker events (the JSON form of ``Event.as_dict()``).

The shell, its batch mode and the unanswered-questions report all start from the same
events (the in-process tracker, or the ``data`` column of the SQL tracker store), so this
module is the single place that knows their shape: ``user`` events carry the NLU result
(``parse_data``: intent, intent_ranking, entities, plus what our components add),
``slot`` / ``active_loop`` / ``action`` / ``bot`` events what the dialogue did with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional

FALLBACK_INTENT = "nlu_fallback"
LISTEN = "action_listen"
# Bookkeeping actions every turn or session has: not what "the bot did".
SILENT_ACTIONS = {LISTEN, "action_session_start"}


@dataclass(frozen=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True)
class SlotChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload)
    response: Optional[str] = None  # the domain response (utter_…) it came from, if any


@dataclass(frozen=True)
class ActionStep:
    """An action the bot ran, with the slot values at that moment (what the action read)."""
    name: str
    slots: dict = field(default_factory=dict, compare=False)


@dataclass
class Turn:
    text: str
    intent: Optional[IntentScore]
    ranking: tuple[IntentScore, ...] = ()  # the classifier's ranking, nlu_fallback left out
    entities: tuple[dict, ...] = ()
    routed_from: Optional[str] = None  # components/tool_router.py moved an unsure message
    personal_data: tuple[str, ...] = ()  # kinds masked by components/pii_guard.py
    original_intent: Optional[IntentScore] = None  # what was asked before pii_guard took over
    slot_events: list[SlotChange] = field(default_factory=list)  # every SlotSet, no-ops included
    actions: list[ActionStep] = field(default_factory=list)
    active_loops: list[Optional[str]] = field(default_factory=list)  # in the order they were set
    messages: list[BotMessage] = field(default_factory=list)
    slots_after: dict = field(default_factory=dict)
    active_loop: Optional[str] = None  # the form still active at the end of the turn
    timestamp: Optional[float] = None

    @property
    def runner_up(self) -> Optional[IntentScore]:
        """The classifier's best intent other than the one the bot went with."""
        chosen = self.intent.name if self.intent else None
        return next((score for score in self.ranking if score.name != chosen), None)

    @property
    def slot_changes(self) -> list[SlotChange]:
        """The slots whose value really changed (forms re-set many slots to the same value)."""
        return [change for change in self.slot_events if change.old != change.new]

    def last_value_set(self, slot: str) -> Any:
        """The last value this turn set ``slot`` to (None when it did not set it)."""
        return next((c.new for c in reversed(self.slot_events) if c.name == slot), None)

    @property
    def action_names(self) -> list[str]:
        return [step.name for step in self.actions]

    def first_line(self) -> str:
        for message in self.messages:
            for line in (message.text or "").splitlines():
                if line.strip():
                    return line.strip()
            if message.buttons:
                return " | ".join(title for title, _ in message.buttons)
        return ""


def _score(item: Any) -> Optional[IntentScore]:
    if not isinstance(item, dict) or not item.get("name"):
        return None
    return IntentScore(str(item["name"]), float(item.get("confidence") or 0.0))


def _start_turn(event: dict) -> Turn:
    parse = event.get("parse_data") or {}
    ranking = [_score(item) for item in parse.get("intent_ranking") or []]
    return Turn(
        text=event.get("text") or "",
        intent=_score(parse.get("intent")),
        ranking=tuple(s for s in ranking if s is not None and s.name != FALLBACK_INTENT),
        entities=tuple(e for e in parse.get("entities") or [] if isinstance(e, dict)),
        routed_from=parse.get("routed_from"),
        personal_data=tuple(parse.get("pii") or ()),
        original_intent=_score(parse.get("pii_original_intent")),
        timestamp=event.get("timestamp"),
    )


def _bot_message(event: dict) -> BotMessage:
    data = event.get("data") or {}
    buttons = tuple((str(b.get("title", "")), str(b.get("payload", ""))) for b in data.get("buttons") or [])
    return BotMessage(text=event.get("text") or "", buttons=buttons,
                      response=(event.get("metadata") or {}).get("utter_action"))


def iter_turns(events: Iterable[dict]) -> Iterator[Turn]:
    """The turns of a conversation, in order; slot values are followed from its start so
    that every change shows its old value."""
    slots: dict = {}
    loop: Optional[str] = None
    current: Optional[Turn] = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if current is not None:
                current.slots_after, current.active_loop = dict(slots), loop
                yield current
            current = _start_turn(event)
        elif kind == "slot":
            name, new = event.get("name"), event.get("value")
            old = slots.get(name)
            slots[name] = new
            if current is not None:
                current.slot_events.append(SlotChange(name, old, new))
        elif kind == "reset_slots":
            slots = {}
        elif kind == "restart":
            slots, loop = {}, None
        elif kind == "active_loop":
            loop = event.get("name")
            if current is not None:
                current.active_loops.append(event.get("name"))
        elif kind == "action" and current is not None and event.get("name") not in SILENT_ACTIONS:
            current.actions.append(ActionStep(event["name"], dict(slots)))
        elif kind == "bot" and current is not None:
            current.messages.append(_bot_message(event))
    if current is not None:
        current.slots_after, current.active_loop = dict(slots), loop
        yield current


def last_turn(events: Iterable[dict]) -> Optional[Turn]:
    turn = None
    for turn in iter_turns(events):
        pass
    return turn


