"""The pilot's SQLite tracker store: write-ahead log, and turns readable by another process."""
import asyncio
import sqlite3

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
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
