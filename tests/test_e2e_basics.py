"""Conversation basics against the live servers, over the REST channel."""
import sqlite3
import json

import pytest

from assistant.text import fold
from tests.live_stack import buttons, reply_text


def test_greeting_is_french(stack, sender):
    text = reply_text(stack.say(sender, "bonjour"))
    assert "Bonjour" in text and "indépendants" in text


def test_help_lists_tools_and_topics_as_buttons(stack, sender):
    payloads = [b["payload"] for b in buttons(stack.say(sender, "que sais-tu faire ?"))]
    assert "/ask_ij" in payloads and "/ask_agency" in payloads
    assert any(p.startswith("/help_topic") for p in payloads)
    topic_payload = next(p for p in payloads if p.startswith("/help_topic"))
    questions = buttons(stack.say(sender, topic_payload))
    assert questions and all(b["payload"].startswith("/faq_") for b in questions)


@pytest.mark.parametrize("message, expected", [
    ("tu es un robot ?", "robot"),
    ("merci beaucoup", "plaisir"),
    ("au revoir", "Au revoir"),
    ("je veux parler à un conseiller", "3698"),
])
def test_small_talk(stack, sender, message, expected):
    assert expected in reply_text(stack.say(sender, message))


@pytest.mark.parametrize("message", [
    "quel temps fera-t-il demain à Paris ?",
    "donne moi une recette de crêpes",
    "tu peux me réserver un billet de train ?",
    "what is the capital of England?",
])
def test_out_of_scope_gets_a_polite_french_refusal(stack, sender, message):
    text = fold(reply_text(stack.say(sender, message)))
    assert any(k in text for k in ["ne peux pas", "pas compris", "reformul", "porte-t-elle"])


@pytest.mark.parametrize("message", [
    "", " ", "xyzzy blabla qsdkjh", "🙂🙂🙂", "a" * 10000, "???",
    "'; DROP TABLE events; --", "<script>alert(1)</script>", "1e12",
])
def test_bad_input_gets_an_answer_and_the_server_stays_up(stack, sender, message):
    replies = stack.say(sender, message)
    assert replies, "no turn may be lost"
    assert reply_text(replies).strip()
    assert "Bonjour" in reply_text(stack.say(sender, "bonjour"))


def test_restart_starts_over(stack, sender):
    stack.say(sender, "bonjour")
    assert "zéro" in reply_text(stack.say(sender, "on recommence à zéro"))
    events = stack.tracker(sender)["events"]
    assert any(e.get("event") == "restart" for e in events)


def test_personal_data_warned_and_masked_in_tracker_and_logs(stack, sender):
    nir = "1850578006084" + f"{97 - 1850578006084 % 97:02d}"
    messages = [f"mon numéro de sécu est {nir}", "mon iban FR76 3000 6000 0112 3456 7890 189",
                "écrivez-moi à jeanne.martin@exemple.fr", "rappelez-moi au 06 12 34 56 78"]
    for message in messages:
        assert "données personnelles" in reply_text(stack.say(sender, message))
    secrets = [nir, "FR76 3000 6000", "jeanne.martin@exemple.fr", "06 12 34 56 78"]
    with sqlite3.connect(stack.tracker_db) as db:
        stored = " ".join(row[0] for row in db.execute("select data from events where sender_id = ?", (sender,)))
    assert "masqu" in stored  # json.dumps escapes the é
    for log in [stack.tracker_db, stack.rasa_log, stack.actions_log]:
        content = log.read_bytes().decode("utf-8", "replace")
        for secret in secrets:
            assert secret not in content, f"{secret!r} found in {log.name}"


def test_conversation_is_persisted_in_sqlite(stack, sender):
    """What `make run` relies on to keep a conversation across a restart."""
    stack.say(sender, "bonjour")
    stack.say(sender, "merci")
    with sqlite3.connect(stack.tracker_db) as db:
        rows = [json.loads(r[0]) for r in db.execute("select data from events where sender_id = ? order by id", (sender,))]
    assert [r.get("text") for r in rows if r["event"] == "user"] == ["bonjour", "merci"]
