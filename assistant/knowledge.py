"""Loading of the facts kept under ``knowledge/``.

Every fact the assistant states lives in a YAML file of ``knowledge/`` together with the
source it comes from and the date it was checked, so that a support agent can trace any
answer. This module is the single place that knows where those files are and refuses a
file whose provenance is missing.
"""
from __future__ import annotations

import datetime as _dt
import functools
import os
from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE_DIR = Path(os.environ.get("ASSISTANT_KNOWLEDGE_DIR", Path(__file__).resolve().parent.parent / "knowledge"))


class KnowledgeError(ValueError):
    """A knowledge file is missing or lacks its provenance."""


def path_of(relative: str) -> Path:
    return KNOWLEDGE_DIR / relative


@functools.lru_cache(maxsize=None)
def load_yaml(relative: str) -> Any:
    """Parse ``knowledge/<relative>`` once per process.

    The result is cached: knowledge is read-only at run time and the actions call this on
    every turn.
    """
    path = path_of(relative)
    if not path.is_file():
        raise KnowledgeError(f"missing knowledge file: {path}")
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def require_provenance(record: dict, where: str) -> None:
    """Fail loudly when a record has no ``sources`` or no ``checked`` date."""
    sources = record.get("sources")
    if not sources:
        raise KnowledgeError(f"{where}: no 'sources'")
    checked = record.get("checked")
    if not isinstance(checked, _dt.date):
        raise KnowledgeError(f"{where}: 'checked' must be a date (YYYY-MM-DD), got {checked!r}")
