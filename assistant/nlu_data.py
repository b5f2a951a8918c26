"""Read Rasa NLU YAML files (training data and held-out sets) without importing Rasa.

Tests and the evaluation script need the examples per intent; Rasa's own reader would pull
TensorFlow into every test process for a few YAML lists.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import yaml

from assistant.text import fold

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = ROOT / "data"
HELDOUT_DIR = ROOT / "tests" / "heldout"
FRESH_DIR = ROOT / "tests" / "fresh"  # a second evaluation set, written later by sessions that saw neither
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def _plain(example: str) -> str:
    """Example text without entity annotations ("[Lyon](lieu)" -> "Lyon")."""
    return _ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", example).strip()


def examples_by_intent(files: Iterable[Path]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    result[block["intent"]].append(_plain(line[2:]))
    return dict(result)


def training_examples() -> dict[str, list[str]]:
    return examples_by_intent(sorted((TRAINING_DIR / "nlu").glob("*.yml")))


def heldout_examples() -> dict[str, list[str]]:
    return examples_by_intent(sorted(HELDOUT_DIR.glob("*.yml")))


def fresh_examples() -> dict[str, list[str]]:
    return examples_by_intent(sorted(FRESH_DIR.glob("*.yml")))


def folded_set(examples: dict[str, list[str]]) -> set[str]:
    return {fold(text) for texts in examples.values() for text in texts}
