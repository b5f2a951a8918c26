"""French text the support shell prints: one block per turn, and the tracker summary.

Pure functions of the parsed turn (``support.turns``) and its origin
(``support.provenance``), so they are tested on recorded tracker events without a model.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from support.provenance import AnswerKind, AnswerOrigin, KnowledgeFile
from support.turns import IntentScore, Turn

EMPTY = "(vide)"
INDENT = "    "


def value(item: Any) -> str:
    """A slot value as the support team reads it: strings bare, lists/dicts as JSON."""
    if item is None:
        return EMPTY
    if isinstance(item, str):
        return item
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    if isinstance(item, (list, dict)):
        return json.dumps(item, ensure_ascii=False)
    return str(item)


def confidence(score: Optional[float]) -> str:
    return "-" if score is None else f"{score:.2f}"


def scored(score: Optional[IntentScore]) -> str:
    return "aucune" if score is None else f"{score.name} ({confidence(score.confidence)})"


def format_bot_messages(turn: Turn) -> list[str]:
    lines = []
    for message in turn.messages:
        text_lines = (message.text or "").splitlines() or [""]
        lines.append(f"Assistant : {text_lines[0]}")
        lines.extend(f"{INDENT}{line}" for line in text_lines[1:])
        lines.extend(f"{INDENT}[bouton] {title} -> {payload}" for title, payload in message.buttons)
    return lines or ["Assistant : (aucun message)"]


def format_entities(entities: Iterable[dict]) -> str:
    shown = [f"{e.get('entity')}={value(e.get('value'))}" for e in entities]
    return ", ".join(shown) if shown else "aucune"


def format_knowledge(files: Iterable[KnowledgeFile]) -> list[str]:
    lines = []
    for file in files:
        checked = file.checked.isoformat() if file.checked else "date inconnue"
        lines.append(f"Source : {file.path} (vérifiée le {checked})")
        lines.extend(f"{INDENT}- {source}" for source in file.sources)
    return lines


def format_origin(origin: AnswerOrigin) -> list[str]:
    if origin.kind is AnswerKind.FAQ:
        head = f"Réponse : FAQ, entrée « {origin.id} » ({origin.faq_entry.title if origin.faq_entry else ''})"
    elif origin.kind is AnswerKind.TOOL:
        head = f"Réponse : outil {origin.label}, action {origin.id}"
    elif origin.kind is AnswerKind.NONE:
        head = "Réponse : aucune"
    else:
        head = f"Réponse : {origin.kind.value} {origin.id} ({origin.label})"
    return [head] + format_knowledge(origin.knowledge)


def format_turn(turn: Turn, origin: AnswerOrigin) -> str:
    """Everything the support team checks about one turn, one fact per line."""
    lines = [f"Vous : {turn.text}"]
    lines += format_bot_messages(turn)
    lines.append(f"Intention : {turn.intent.name if turn.intent else 'aucune'}")
    lines.append(f"Confiance : {confidence(turn.intent.confidence if turn.intent else None)}")
    lines.append(f"2e intention : {scored(turn.runner_up)}")
    if turn.routed_from:
        lines.append(f"Aiguillage : {turn.routed_from} -> {turn.intent.name if turn.intent else ''} (lieu ou revenu reconnu)")
    if turn.personal_data:
        lines.append(f"Données personnelles masquées : {', '.join(turn.personal_data)} ; "
                     f"intention avant masquage : {scored(turn.original_intent)}")
    lines.append(f"Entités : {format_entities(turn.entities)}")
    changes = turn.slot_changes
    lines.append("Slots : aucun changement" if not changes else "Slots :")
    lines.extend(f"{INDENT}{c.name} : {value(c.old)} -> {value(c.new)}" for c in changes)
    lines.append(f"Actions : {', '.join(turn.action_names) or 'aucune'}")
    lines.append(f"Formulaire actif : {turn.active_loop or 'aucun'}")
    lines += format_origin(origin)
    return "\n".join(lines)


def format_tracker(events: Iterable[dict]) -> str:
    """The conversation so far, one line per meaningful event, then the slots that are set."""
    lines: list[str] = []
    slots: dict = {}
    for event in events:
        kind = event.get("event")
        if kind == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            lines.append(f"utilisateur : {event.get('text')}  [{intent.get('name')} {confidence(intent.get('confidence'))}]")
        elif kind == "bot":
            first = next((line for line in (event.get("text") or "").splitlines() if line.strip()), "")
            buttons = len((event.get("data") or {}).get("buttons") or [])
            lines.append(f"assistant : {first[:90]}" + (f"  (+{buttons} boutons)" if buttons else ""))
        elif kind == "action":
            lines.append(f"action : {event.get('name')}")
        elif kind == "slot":
            slots[event.get("name")] = event.get("value")
            lines.append(f"slot : {event.get('name')} = {value(event.get('value'))}")
        elif kind == "active_loop":
            lines.append(f"formulaire : {event.get('name') or 'fin'}")
        elif kind in ("restart", "session_started", "reset_slots"):
            lines.append(f"{kind}")
            if kind != "session_started":
                slots = {}
    set_slots = {name: v for name, v in slots.items() if v is not None}
    lines.append("Slots remplis : " + (", ".join(f"{n}={value(v)}" for n, v in set_slots.items()) or "aucun"))
    return "\n".join(lines)
