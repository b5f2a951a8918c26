"""Which user messages the assistant did not answer, grouped by what was asked.

A message counts as unanswered when the FallbackClassifier replaced its intent
(``nlu_fallback``), when the bot reacted with the clarify/"not understood" actions or
responses, or when the classifier's confidence was under the threshold (by default the
FallbackClassifier's own, read from config.yml). Messages are grouped on a normalised text:
personal data masked (whatever store wrote them), lower case, accents folded, punctuation
dropped, so "Numéro URSSAF ?" and "numero urssaf" count together.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

import yaml

from assistant.pii import mask_pii
from assistant.text import fold
from support.turns import FALLBACK_INTENT, Turn, iter_turns

CONFIG = Path(__file__).resolve().parent.parent / "config.yml"
# What the bot does when it did not understand (data/rules.yml, actions/menu.py, domain.yml).
NOT_UNDERSTOOD = {"action_clarify", "utter_clarify", "utter_default", "utter_answer_not_understood"}
MAX_EXAMPLES = 3
_TOKENS = re.compile(r"\[[^\]]+\]|[a-z0-9]+")  # a kept mask ("[nir masque]") or a word


class Reason:
    FALLBACK = "repli (nlu_fallback)"
    NOT_UNDERSTOOD = "clarification / non compris"
    LOW_CONFIDENCE = "confiance faible"


def fallback_threshold(config: Path = CONFIG) -> float:
    """The FallbackClassifier threshold of the trained pipeline."""
    pipeline = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    raise ValueError(f"{config}: no FallbackClassifier in the pipeline")


def normalise(text: str) -> str:
    masked, _ = mask_pii(text)
    return " ".join(_TOKENS.findall(fold(masked)))


@dataclass(frozen=True)
class UnansweredMessage:
    sender_id: str
    text: str  # masked
    key: str
    intent: Optional[str]  # the classifier's best real intent (not nlu_fallback)
    confidence: Optional[float]
    reasons: tuple[str, ...]
    timestamp: Optional[float]


@dataclass
class QuestionGroup:
    key: str
    count: int = 0
    senders: set = field(default_factory=set)
    intents: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    confidences: list = field(default_factory=list)
    examples: list = field(default_factory=list)
    last_seen: Optional[float] = None

    @property
    def intent(self) -> str:
        return self.intents.most_common(1)[0][0] if self.intents else ""

    @property
    def mean_confidence(self) -> Optional[float]:
        return sum(self.confidences) / len(self.confidences) if self.confidences else None

    def add(self, message: UnansweredMessage) -> None:
        self.count += 1
        self.senders.add(message.sender_id)
        if message.intent:
            self.intents[message.intent] += 1
        self.reasons.update(message.reasons)
        if message.confidence is not None:
            self.confidences.append(message.confidence)
        if message.text not in self.examples and len(self.examples) < MAX_EXAMPLES:
            self.examples.append(message.text)
        if message.timestamp is not None:
            self.last_seen = max(self.last_seen or message.timestamp, message.timestamp)


def reasons_of(turn: Turn, threshold: float) -> tuple[str, ...]:
    reasons = []
    if turn.intent and turn.intent.name == FALLBACK_INTENT:
        reasons.append(Reason.FALLBACK)
    reactions = set(turn.action_names) | {m.response for m in turn.messages if m.response}
    if reactions & NOT_UNDERSTOOD:
        reasons.append(Reason.NOT_UNDERSTOOD)
    best = turn.ranking[0].confidence if turn.ranking else (turn.intent.confidence if turn.intent else 0.0)
    chosen = turn.intent.confidence if turn.intent and turn.intent.name != FALLBACK_INTENT else best
    if chosen < threshold:
        reasons.append(Reason.LOW_CONFIDENCE)
    return tuple(reasons)


def unanswered_in(sender_id: str, events: Iterable[dict], threshold: float) -> Iterator[UnansweredMessage]:
    for turn in iter_turns(events):
        reasons = reasons_of(turn, threshold)
        if not reasons:
            continue
        fallback = turn.intent is None or turn.intent.name == FALLBACK_INTENT
        best = turn.ranking[0] if fallback and turn.ranking else turn.intent
        masked, _ = mask_pii(turn.text)
        yield UnansweredMessage(sender_id, masked, normalise(turn.text), best.name if best else None,
                                best.confidence if best else None, reasons, turn.timestamp)


def group(messages: Iterable[UnansweredMessage]) -> list[QuestionGroup]:
    """Groups, most frequent first (then most recent, then alphabetical: a stable order)."""
    groups: dict[str, QuestionGroup] = {}
    for message in messages:
        groups.setdefault(message.key, QuestionGroup(message.key)).add(message)
    return sorted(groups.values(), key=lambda g: (-g.count, -(g.last_seen or 0), g.key))
