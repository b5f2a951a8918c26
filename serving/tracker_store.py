"""SQL tracker store that never writes personal data.

Rasa stores the raw user text in every ``user`` event. This store masks NIR, IBAN, e-mail
addresses and phone numbers in every string of an event before it is written, whatever the
channel the message came from. With SQLite it also creates the database folder (``var/``)
so that a fresh checkout starts without a manual step. With a server database (PostgreSQL in
the production profile) a statement that fails because its pooled connection was closed by a
database restart is run once more: SQLAlchemy has then discarded the pool's old connections,
so the retry uses a fresh one. (Checking every connection before use, `pool_pre_ping`, cost a
round trip per query, ~3 % of a replica's CPU under load: bench/PROFILE.md.) When the database
cannot be reached during a user's turn, the turn is stopped and the user told so
(serving/turn_guard.py) rather than answered from an empty conversation that is never stored.
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Text, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.pii import mask_everywhere
from serving import action_http, action_replies
from serving.turn_guard import abort_turn

action_http.install()  # one kept-alive session to the action server (serving/action_http.py)
action_replies.install()  # every server profile loads this module (see serving/action_replies.py)

T = TypeVar("T")
# Set by _retrieve on the trackers it builds: how many of their events are stored in the
# current session (what the count query of save() would return).
_STORED_IN_SESSION = "_redacting_store_stored_in_session"


def _sqlite_write_ahead_log(connection: Any, _record: Any) -> None:
    """Pilot profile: commits were ~60 % of a tracker save (bench/PROFILE.md), mostly fsync.

    With a write-ahead log and synchronous=NORMAL a commit survives a crash of the server; only
    a power cut can lose the last commits, and the database stays consistent.
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _session_statements(table: sa.Table) -> tuple[Any, Any]:
    """Rasa's two per-turn queries (events of the current session; how many are stored), as
    Core statements built once with the sender id as a parameter.

    Same SQL meaning as ``SQLTrackerStore._event_query``: events from the latest
    ``session_started`` on, or all of them when there is none. Rasa rebuilds them with the ORM
    on every turn; with the per-event ORM inserts that was ~7 ms of a 40 ms turn
    (bench/PROFILE.md).
    """
    sender = sa.bindparam("sender_id")
    session_start = (sa.select(sa.func.max(table.c.timestamp))
                     .where(table.c.sender_id == sender, table.c.type_name == SessionStarted.type_name)
                     .scalar_subquery())
    in_session = sa.and_(table.c.sender_id == sender,
                         sa.or_(table.c.timestamp >= session_start, session_start.is_(None)))
    count = sa.select(sa.func.count()).select_from(table).where(in_session)
    data = sa.select(table.c.data).where(in_session).order_by(table.c.id)
    return count, data


def _row(sender_id: Text, event: Any) -> Dict[Text, Any]:
    """One ``events`` row, as ``SQLTrackerStore.save`` writes it, personal data masked."""
    data = mask_everywhere(event.as_dict())
    return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
            "action_name": data.get("name"), "data": json.dumps(data)}


def _with_one_reconnect(work: Callable[[], T]) -> T:
    """Run a database step; once more if it failed on a connection the server had closed.

    Any other database error, or a second failure, stops the turn (serving/turn_guard.py).
    """
    try:
        try:
            return work()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        return work()
    except DBAPIError as error:
        abort_turn(error)
        raise


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
            self.engine = sa.create_engine(url, **create_engine_kwargs(url))
            self.sessionmaker = sessionmaker(bind=self.engine)
        self._count_stored, self._session_events = _session_statements(self.SQLEvent.__table__)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions:
            try:
                return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
            except DBAPIError as error:
                abort_turn(error)
                raise

        def read() -> list:
            with self.session_scope() as session:
                return session.execute(self._session_events, {"sender_id": sender_id}).scalars().all()

        rows = _with_one_reconnect(read)
        if not rows or not self.domain:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for data in rows], self.domain.slots)
        setattr(tracker, _STORED_IN_SESSION, len(rows))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the events not stored yet, in one multi-row INSERT and one commit."""
        await self.stream_events(tracker)
        # Read by _retrieve under the conversation's lock, the count of stored events is still
        # exact: the usual turn (read, add events, save once) skips the count query.
        # Popped: a second save of the same object counts again.
        known = vars(tracker).pop(_STORED_IN_SESSION, None)

        def write() -> None:
            nonlocal known
            with self.session_scope() as session:
                stored = known if known is not None else \
                    session.execute(self._count_stored, {"sender_id": tracker.sender_id}).scalar()
                # A retry counts again: what a failed attempt did commit is not written twice.
                known = None
                rows = [_row(tracker.sender_id, event)
                        for event in itertools.islice(tracker.events, stored, len(tracker.events))]
                if rows:
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()

        _with_one_reconnect(write)
