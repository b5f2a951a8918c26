"""The pilot's SQLite tracker store: write-ahead log, turns readable by another process, and the
same rows and sessions as Rasa's own SQL store."""
import asyncio
import sqlite3

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from serving.tracker_store import RedactingSQLTrackerStore


def test_sqlite_store_uses_a_write_ahead_log_and_commits_are_visible(tmp_path):
    db = tmp_path / "sub" / "tracker.db"
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    tracker = DialogueStateTracker("u1", slots=[])
    tracker.update(UserUttered("bonjour, mon mail est paul@exemple.org", {"name": "greet"}))
    asyncio.run(store.save(tracker))

    with sqlite3.connect(db) as other:  # what `make report` does, from another process
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        texts = [row[0] for row in other.execute("SELECT data FROM events WHERE type_name='user'")]
    assert len(texts) == 1 and "paul@exemple.org" not in texts[0] and "bonjour" in texts[0]
    restored = asyncio.run(store.retrieve("u1"))
    assert restored.latest_message.intent["name"] == "greet"


def _turn(text, new_session=False):
    """The events of one turn, created once so that both stores get identical timestamps."""
    events = [ActionExecuted("action_session_start"), SessionStarted()] if new_session else []
    return events + [UserUttered(text, {"name": "faq_tel_urssaf", "confidence": 0.9}),
                     ActionExecuted("action_answer_faq"), BotUttered("Appelez le 3698."),
                     ActionExecuted("action_listen")]


def test_rows_and_sessions_are_what_rasas_own_store_writes_and_reads(tmp_path):
    """Our Core statements replace Rasa's ORM queries: same rows, same session cut, no duplicates
    when two replicas (two store objects on one database) save the same conversation in turn."""
    domain = Domain.empty()
    ours = [RedactingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "ours.db"))
            for _ in range(2)]
    rasa = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    for number, text in enumerate(["numéro urssaf", "et pour la retraite ?", "merci"]):
        events = _turn(text, new_session=number == 2)  # the third turn opens a new session
        for store in (ours[number % 2], rasa):  # our replicas alternate
            tracker = asyncio.run(store.retrieve("u1")) or DialogueStateTracker("u1", slots=[])
            for event in events:
                tracker.update(event)
            asyncio.run(store.save(tracker))

    def rows(db):
        with sqlite3.connect(db) as connection:
            return connection.execute("SELECT sender_id, type_name, intent_name, action_name, data "
                                      "FROM events ORDER BY id").fetchall()
    assert rows(tmp_path / "ours.db") == rows(tmp_path / "rasa.db")
    assert len(rows(tmp_path / "ours.db")) == 3 * 4 + 2
    for store in (*ours, rasa):
        current = asyncio.run(store.retrieve("u1"))
        assert [e.text for e in current.events if isinstance(e, UserUttered)] == ["merci"]
        everything = asyncio.run(store.retrieve_full_tracker("u1"))
        assert len([e for e in everything.events if isinstance(e, UserUttered)]) == 3


def test_a_tracker_saved_twice_stores_each_event_once(tmp_path):
    """The count read at retrieve time serves the first save only; a second save of the same
    object (more events, even a new session) counts what is stored again."""
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    first = DialogueStateTracker("u1", slots=[])
    for event in _turn("numéro urssaf"):
        first.update(event)
    asyncio.run(store.save(first))
    tracker = asyncio.run(store.retrieve("u1"))
    for text, new_session in (("et la retraite ?", False), ("merci", True)):
        for event in _turn(text, new_session):
            tracker.update(event)
        asyncio.run(store.save(tracker))
    with sqlite3.connect(tmp_path / "t.db") as connection:
        users = [row[0] for row in connection.execute("SELECT data FROM events WHERE type_name='user' ORDER BY id")]
    assert len(users) == 3 and "merci" in users[-1]
    assert len(asyncio.run(store.retrieve_full_tracker("u1")).events) == 3 * 4 + 2
