"""SQL tracker store that never writes personal data.

Rasa stores the raw user text in every ``user`` event. This store masks NIR, IBAN, e-mail
addresses and phone numbers in every string of an event before it is written, whatever the
channel the message came from. With SQLite it also creates the database folder (``var/``)
so that a fresh checkout starts without a manual step. With a server database (PostgreSQL in
the production profile) pooled connections are checked before use, so that the first turns
after a database restart do not fail on connections the server has closed. When the database
cannot be reached during a user's turn, the turn is stopped and the user told so
(serving/turn_guard.py) rather than answered from an empty conversation that is never stored.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Text

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.pii import mask_everywhere
from serving import action_replies
from serving.turn_guard import abort_turn

action_replies.install()  # every server profile loads this module (see serving/action_replies.py)


class _MaskedEvent:
    """Just what ``SQLTrackerStore.save`` reads from an event, with personal data masked."""

    def __init__(self, event: Any) -> None:
        self.type_name = event.type_name
        self._event = event

    def as_dict(self) -> Dict[Text, Any]:
        return mask_everywhere(self._event.as_dict())


def _sqlite_write_ahead_log(connection: Any, _record: Any) -> None:
    """Pilot profile: commits were ~60 % of a tracker save (bench/PROFILE.md), mostly fsync.

    With a write-ahead log and synchronous=NORMAL a commit survives a crash of the server; only
    a power cut can lose the last commits, and the database stays consistent.
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class RedactingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, dialect: Text = "sqlite", db: Text = "rasa.db", **kwargs: Any) -> None:
        if dialect == "sqlite" and db and db != ":memory:":
            Path(db).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        super().__init__(dialect=dialect, db=db, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_write_ahead_log)
        else:
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        try:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        except DBAPIError as error:
            abort_turn(error)
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except DBAPIError as error:
            abort_turn(error)
            raise

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        for event in super()._additional_events(session, tracker):
            yield _MaskedEvent(event)
