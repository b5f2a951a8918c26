"""Where an answer came from: an FAQ entry of ``knowledge/faq``, one of the two tools (IJ
calculator, agency finder) and the ``knowledge/`` files it reads, a form question, or a
domain response. This is what the support team checks before an answer goes live.

Nothing is hard-coded about the knowledge: the FAQ entry is looked up with
``assistant.faq`` and the tools' files are the constants their modules load.
"""
from __future__ import annotations

import datetime as dt
import enum
import functools
from dataclasses import dataclass
from typing import Optional

from assistant import faq
from assistant.agency.cases import CASES_FILE
from assistant.agency.directory import NETWORKS_FILE, ROLE_FILES, ROLE_ORDER, SSI_FILE
from assistant.agency.themes import parse_theme_value
from assistant.ij.params import PASS_FILE, RULES_FILE
from assistant.knowledge import KNOWLEDGE_DIR, load_yaml
from support.turns import Turn

FAQ_ACTIONS = ("action_answer_faq", "action_personal_data")
FAQ_SLOT = "derniere_reponse"  # set by actions/faq.py to the id of the entry it sent
IJ_ACTION = "action_ij_compute"
AGENCY_ACTION = "action_agency_answer"
TOOL_LABELS = {
    IJ_ACTION: "calcul des indemnités journalières (ij_form)",
    AGENCY_ACTION: "recherche de l'organisme / de l'agence (agency_form)",
}


class AnswerKind(str, enum.Enum):
    FAQ = "faq"
    TOOL = "outil"
    FORM_QUESTION = "question du formulaire"
    RESPONSE = "réponse du domaine"
    ACTION = "action"
    NONE = "aucune"


@dataclass(frozen=True)
class KnowledgeFile:
    path: str  # relative to the repository: "knowledge/ij/rules.yml"
    sources: tuple[str, ...]
    checked: Optional[dt.date]


@dataclass(frozen=True)
class AnswerOrigin:
    kind: AnswerKind
    id: str  # FAQ entry id, tool action, utter_… response or action name
    label: str
    knowledge: tuple[KnowledgeFile, ...] = ()
    faq_entry: Optional[faq.FaqEntry] = None


def _relative(path: str) -> str:
    return f"{KNOWLEDGE_DIR.name}/{path}"


@functools.lru_cache(maxsize=None)
def knowledge_file(relative: str) -> KnowledgeFile:
    """The file's own top-level provenance (every tool file has one, see require_provenance)."""
    data = load_yaml(relative)
    checked = data.get("checked") if isinstance(data, dict) else None
    sources = tuple(data.get("sources") or ()) if isinstance(data, dict) else ()
    return KnowledgeFile(_relative(relative), sources, checked if isinstance(checked, dt.date) else None)


@functools.lru_cache(maxsize=1)
def _faq_files() -> dict[str, str]:
    """FAQ entry id -> knowledge file that holds it."""
    found = {}
    for path in sorted((KNOWLEDGE_DIR / "faq").glob("*.yml")):
        for raw in load_yaml(f"faq/{path.name}").get("entries") or []:
            found[raw["id"]] = _relative(f"faq/{path.name}")
    return found


def faq_origin(entry: faq.FaqEntry) -> AnswerOrigin:
    file = KnowledgeFile(_faq_files().get(entry.id, _relative("faq")), entry.sources, entry.checked)
    return AnswerOrigin(AnswerKind.FAQ, entry.id, f"FAQ « {entry.title} »", (file,), entry)


def tool_files(action: str, slots: dict) -> tuple[KnowledgeFile, ...]:
    """The knowledge files a tool read for this answer (agency: only the theme asked)."""
    if action == IJ_ACTION:
        relatives = [RULES_FILE, PASS_FILE]
    else:
        theme = parse_theme_value(slots.get("agency_theme"))
        relatives = [ROLE_FILES[theme]] if theme else [ROLE_FILES[role] for role in ROLE_ORDER]
        relatives += [NETWORKS_FILE, SSI_FILE]
        if slots.get("agency_case"):
            relatives.append(CASES_FILE)
    return tuple(knowledge_file(relative) for relative in relatives)


def _faq_entry(turn: Turn) -> Optional[faq.FaqEntry]:
    if not any(name in FAQ_ACTIONS for name in turn.action_names):
        return None
    entry_id = turn.last_value_set(FAQ_SLOT)
    if entry_id:
        return next((e for e in faq.all_entries() if e.id == entry_id), None)
    return None


def origin_of(turn: Turn) -> AnswerOrigin:
    """What answered this turn, most specific first: FAQ entry, tool, form question, response."""
    entry = _faq_entry(turn)
    if entry is not None:
        return faq_origin(entry)
    for step in reversed(turn.actions):
        if step.name in TOOL_LABELS:
            return AnswerOrigin(AnswerKind.TOOL, step.name, TOOL_LABELS[step.name], tool_files(step.name, step.slots))
    last_response = next((m.response for m in reversed(turn.messages) if m.response), None)
    if turn.active_loop:
        asked = turn.slots_after.get("requested_slot")
        return AnswerOrigin(AnswerKind.FORM_QUESTION, last_response or f"{turn.active_loop}:{asked}",
                            f"formulaire {turn.active_loop}, question sur « {asked} »")
    if last_response:
        return AnswerOrigin(AnswerKind.RESPONSE, last_response, "texte de domain.yml")
    if turn.actions:
        return AnswerOrigin(AnswerKind.ACTION, turn.actions[-1].name, "action personnalisée")
    return AnswerOrigin(AnswerKind.NONE, "", "aucune réponse")
