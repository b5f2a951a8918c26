"""Replay a file of questions and tabulate what the assistant understood and answered.

Questions file: one question per line; blank lines and lines starting with ``#`` are
skipped. The report has one row per question: question, intent, confidence, runner-up,
answer kind and id (FAQ entry id, tool action, utter_… response), first line of the answer.
"""
from __future__ import annotations

import csv
import io
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Iterable, Optional

from support.provenance import AnswerOrigin
from support.turns import Turn

FORMATS = ("csv", "md")
# Column titles, in the order of BatchRow's fields.
HEADERS = ("question", "intention", "confiance", "2e intention", "confiance 2e", "type de réponse", "id de réponse",
           "première ligne de la réponse")


@dataclass(frozen=True)
class BatchRow:
    question: str
    intent: str
    confidence: str  # formatted here so CSV and Markdown show the same number
    runner_up: str
    runner_up_confidence: str
    answer_kind: str
    answer_id: str
    first_line: str


def read_questions(path: Path) -> list[str]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            questions.append(line)
    return questions


def _number(value: Optional[float]) -> str:
    return "" if value is None else f"{value:.4f}"


def row_of(question: str, turn: Optional[Turn], origin: AnswerOrigin) -> BatchRow:
    intent = turn.intent if turn else None
    runner_up = turn.runner_up if turn else None
    return BatchRow(
        question=question,
        intent=intent.name if intent else "",
        confidence=_number(intent.confidence if intent else None),
        runner_up=runner_up.name if runner_up else "",
        runner_up_confidence=_number(runner_up.confidence if runner_up else None),
        answer_kind=origin.kind.value,
        answer_id=origin.id,
        first_line=turn.first_line() if turn else "",
    )


def to_csv(rows: Iterable[BatchRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(astuple(row) for row in rows)
    return buffer.getvalue()


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(rows: Iterable[BatchRow]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_cell(str(v)) for v in astuple(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render(rows: list[BatchRow], fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format inconnu : {fmt}")
    return to_csv(rows) if fmt == "csv" else to_markdown(rows)

