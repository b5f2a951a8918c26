"""SQL tracker store that never writes personal data.

Rasa stores the raw user text in every ``user`` event. This store masks NIR, IBAN, e-mail
addresses and phone numbers in every string of an event before it is written, whatever the
channel the message came from. With SQLite it also creates the database folder (``var/``)
so that a fresh checkout starts without a manual step.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.pii import mask_everywhere


class _MaskedEvent:
    """Just what ``SQLTrackerStore.save`` reads from an event, with personal data masked."""

    def __init__(self, event: Any) -> None:
        self.type_name = event.type_name
        self._event = event

    def as_dict(self) -> Dict[Text, Any]:
        return mask_everywhere(self._event.as_dict())


class RedactingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, dialect: Text = "sqlite", db: Text = "rasa.db", **kwargs: Any) -> None:
        if dialect == "sqlite" and db and db != ":memory:":
            Path(db).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        super().__init__(dialect=dialect, db=db, **kwargs)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        for event in super()._additional_events(session, tracker):
            yield _MaskedEvent(event)
