"""The committed conversation mix (bench/conversations.yml) as typed objects."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

CONVERSATIONS_FILE = Path(__file__).resolve().parent / "conversations.yml"


@dataclass(frozen=True)
class Turn:
    text: str
    expect: Optional[str] = None  # folded substring of our assistant's reply


@dataclass(frozen=True)
class Conversation:
    name: str
    kind: str  # faq, ij_form, agency_form, fallback
    turns: tuple[Turn, ...]


def load_conversations(path: Path = CONVERSATIONS_FILE) -> list[Conversation]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    conversations = [
        Conversation(name=c["name"], kind=c["kind"],
                     turns=tuple(Turn(text=str(t["text"]), expect=t.get("expect") and str(t["expect"]))
                                 for t in c["turns"]))
        for c in data["conversations"]
    ]
    if not conversations or any(not c.turns for c in conversations):
        raise ValueError(f"{path}: every conversation needs at least one turn")
    return conversations
