"""The FAQ knowledge base: one entry per question, its answer, sources and check date.

Entries live in ``knowledge/faq/<topic>.yml``. The Rasa intent that asks an entry is
``faq_<id>``, so adding an entry never needs code: knowledge, training examples, then
``make sync-faq`` to list the intent in the domain and in the FAQ rule.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Optional

from assistant.knowledge import KNOWLEDGE_DIR, KnowledgeError, load_yaml, require_provenance

INTENT_PREFIX = "faq_"


@dataclass(frozen=True)
class FaqEntry:
    id: str
    topic: str
    title: str
    answer: str
    key_facts: tuple[str, ...]
    sources: tuple[str, ...]
    checked: dt.date
    changed: Optional[str] = None

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.id


@dataclass(frozen=True)
class FaqTopic:
    id: str
    label: str
    entries: tuple[FaqEntry, ...]


@functools.lru_cache(maxsize=1)
def topics() -> tuple[FaqTopic, ...]:
    """All topics in file-name order, validated: unique ids, provenance, key facts present."""
    result: list[FaqTopic] = []
    seen: set[str] = set()
    for path in sorted((KNOWLEDGE_DIR / "faq").glob("*.yml")):
        relative = f"faq/{path.name}"
        data = load_yaml(relative)
        entries = []
        for raw in data["entries"]:
            where = f"{relative}#{raw.get('id')}"
            require_provenance(raw, where)
            if raw["id"] in seen:
                raise KnowledgeError(f"{where}: duplicate id")
            seen.add(raw["id"])
            entry = FaqEntry(
                id=raw["id"],
                topic=data["topic"],
                title=raw["title"],
                answer=raw["answer"].strip(),
                key_facts=tuple(raw.get("key_facts") or ()),
                sources=tuple(raw["sources"]),
                checked=raw["checked"],
                changed=raw.get("changed"),
            )
            missing = [fact for fact in entry.key_facts if fact not in entry.answer]
            if missing:
                raise KnowledgeError(f"{where}: key facts not in the answer: {missing}")
            entries.append(entry)
        result.append(FaqTopic(id=data["topic"], label=data["label"], entries=tuple(entries)))
    return tuple(result)


@functools.lru_cache(maxsize=1)
def _by_intent() -> dict[str, FaqEntry]:
    return {entry.intent: entry for topic in topics() for entry in topic.entries}


def all_entries() -> list[FaqEntry]:
    return list(_by_intent().values())


def entry_for_intent(intent: str) -> Optional[FaqEntry]:
    return _by_intent().get(intent)
