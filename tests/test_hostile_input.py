"""Hostile and malformed input: the assistant answers in French, loses no turn, stays up.

Unit tests of ``serving.input_guard`` first, then the live servers over REST and Socket.IO
(the channels of credentials.yml: serving/channels/rest.py and socketio.py).
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio

from assistant.text import fold
from serving.input_guard import MAX_CHARS, sanitise, too_long_message
from tests.live_stack import reply_text

NIR = "1850578006084" + f"{97 - 1850578006084 % 97:02d}"
LONG = "Bonjour, j'ai une question sur mes cotisations. " * 420  # ~20 000 characters
_FRENCH_WORDS = {"vous", "votre", "je", "pas", "les", "des", "est", "pour", "ou", "de", "une"}


def looks_french(text: str) -> bool:
    words = set(fold(text).replace("'", " ").split())
    return len(words & _FRENCH_WORDS) >= 2


# --- serving.input_guard, no server ------------------------------------------------------

def test_control_and_invisible_characters_are_dropped():
    result = sanitise("\x00\x01bon\u200bjour\x7f \u202ejunk\ufeff\x1b[31m\ud800\uffff")
    assert result.text == "bonjour junk[31m"
    assert result.removed_chars == 9 and result.changed and not result.truncated


def test_whitespace_and_typography_are_normalised():
    assert sanitise("  revenu\u202f42\u00a0000 €\n\n\tet  ﬁn  ").text == "revenu 42 000 € et fin"
    assert sanitise("１２３").text == "123"


@pytest.mark.parametrize("raw, text", [(None, ""), (42000, "42000"), (1.5, "1.5"), (["a"], ""),
                                       ({"a": 1}, ""), (True, ""), (b"caf\xc3\xa9 \xff", "café \ufffd")])
def test_any_json_value_becomes_text(raw, text):
    assert sanitise(raw).text == text


def test_normal_text_is_unchanged():
    message = "Je suis commerçant, 42 000 € de revenu : combien d'IJ ? 🙂 <b>merci</b> ; DROP"
    result = sanitise(message)
    assert result.text == message and not result.changed


def test_long_text_is_cut_at_the_limit_between_words():
    result = sanitise(LONG)
    assert result.truncated and result.original_length == len(LONG)
    assert MAX_CHARS - 100 <= len(result.text) <= MAX_CHARS
    assert LONG.startswith(result.text) and LONG[len(result.text)] == " "


def test_a_cut_never_splits_personal_data():
    """Half a NIR is no longer recognised, hence no longer masked: cut before it."""
    nir = f"{NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}"
    message = "x " * 490 + "mon numéro " + nir + " merci"
    assert message.index(nir) < MAX_CHARS < message.index(nir) + len(nir)
    result = sanitise(message)
    assert result.truncated and result.text.endswith("mon numéro")
    assert NIR[:3] not in result.text.replace(" ", "")[-20:]


def test_summary_never_contains_the_text():
    result = sanitise("secret-word\x00" * 200)
    assert "secret" not in result.summary() and "truncated" in result.summary()


def test_too_long_message_is_french_and_states_the_limit():
    text = too_long_message()
    assert "trop long" in text and "1\u00a0000" in text and looks_french(text)


# --- live servers, REST --------------------------------------------------------------------

HOSTILE = {
    "empty": "",
    "whitespace": " \n\t  ",
    "emoji": "🙂🙂🙂👍",
    "control": "\x00\x01\x02 junk \x7f\x1b[31m\x07",
    "surrogate": "\ud83d abc \udc00",
    "binary": "".join(chr(c) for c in range(0, 0x30)) + "\ufffe\uffff",
    "html": "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE events; -- OR 1=1 UNION SELECT * FROM events",
    "english": "Hello, can you tell me how to pay my social contributions?",
    "numbers": "-5 1e99 999999999999999",
    "nir": f"mon numéro de sécu est {NIR}",
}


def user_texts(stack, sender: str) -> list[str]:
    return [e.get("text") for e in stack.tracker(sender)["events"] if e.get("event") == "user"]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_message_gets_a_french_answer_and_no_turn_is_lost(stack, sender, name):
    replies = stack.say(sender, HOSTILE[name])
    assert replies, "no turn may be lost"
    assert looks_french(reply_text(replies)), reply_text(replies)
    assert "Bonjour" in reply_text(stack.say(sender, "bonjour"))
    texts = user_texts(stack, sender)
    assert len(texts) == 2 and texts[1] == "bonjour"
    assert texts[0] == sanitise(HOSTILE[name]).text or "masqu" in texts[0]


def test_personal_data_message_gets_the_warning(stack, sender):
    assert "données personnelles" in reply_text(stack.say(sender, HOSTILE["nir"]))


def test_sql_looking_text_leaves_the_tracker_store_intact(stack, sender):
    stack.say(sender, HOSTILE["sql"])
    with sqlite3.connect(stack.tracker_db) as db:
        (count,) = db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()
    assert count > 0


def test_too_long_message_is_truncated_and_the_user_told(stack, sender):
    replies = stack.say(sender, LONG)
    assert replies[0]["text"] == too_long_message()
    assert len(replies) > 1, "the truncated text is answered too"
    texts = user_texts(stack, sender)
    assert texts == [sanitise(LONG).text] and len(texts[0]) <= MAX_CHARS
    with sqlite3.connect(stack.tracker_db) as db:
        stored = " ".join(r[0] for r in db.execute("select data from events where sender_id = ?", (sender,)))
    assert LONG[: MAX_CHARS + 50] not in stored


@pytest.mark.parametrize("flow, question, answers", [
    ("ij", ["je veux calculer mes indemnités journalières", "commerçant"],
     ["-5", "1e99", "999999999999999", "-1000000 €"]),
    ("agency", ["de quelle agence je dépends ?"], ["999", "département 999", "00000", "2C"]),
])
def test_absurd_form_values_get_a_french_answer_and_the_form_goes_on(stack, sender, flow, question, answers):
    for message in question:
        stack.say(sender, message)
    for answer in answers:
        replies = stack.say(sender, answer)
        assert replies and looks_french(reply_text(replies)), (answer, replies)
        assert stack.tracker(sender)["active_loop"].get("name") == f"{flow}_form", answer
    assert len(user_texts(stack, sender)) == len(question) + len(answers)


def post_raw(stack, body: bytes) -> tuple[int, object]:
    request = urllib.request.Request(f"{stack.base}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode("utf-8"))


@pytest.mark.parametrize("message", [
    b'"\xff\xfe\xfa bonjour"', b"null", b"123", b'["bonjour"]', b'{"a": 1}', b'"\\ud800 bonjour"',
])
def test_malformed_message_field_still_gets_an_answer(stack, sender, message):
    body = b'{"sender": %s, "message": %s, "metadata": "not a dict"}' % (json.dumps(sender).encode(), message)
    status, replies = post_raw(stack, body)
    assert status == 200 and replies and looks_french(reply_text(replies))
    assert len(user_texts(stack, sender)) == 1


@pytest.mark.parametrize("body", [b"hello", b"", b"[1, 2]", b"\xff\xfe\x00"])
def test_a_body_that_is_not_a_json_object_is_refused_in_french(stack, body):
    status, answer = post_raw(stack, body)
    assert status == 400 and "objet JSON" in answer["message"]
    assert "Bonjour" in reply_text(stack.say("after-bad-body", "bonjour"))


def test_other_users_are_answered_while_one_sends_junk(stack, sender):
    junk = [LONG, HOSTILE["binary"], HOSTILE["surrogate"], "a" * 20000, HOSTILE["sql"]] * 2

    def attacker() -> list[list[dict]]:
        return [stack.say(f"{sender}-junk", message) for message in junk]

    with ThreadPoolExecutor(max_workers=2) as pool:
        attack = pool.submit(attacker)
        greeting = stack.say(f"{sender}-user", "bonjour")
        phone = stack.say(f"{sender}-user", "quel est le numéro de téléphone de l'Urssaf ?")
        attack_replies = attack.result()
    assert "Bonjour" in reply_text(greeting)
    assert "3698" in reply_text(phone)
    assert all(attack_replies), "every junk turn is answered too"
    assert len(user_texts(stack, f"{sender}-junk")) == len(junk)
    assert user_texts(stack, f"{sender}-user") == ["bonjour", "quel est le numéro de téléphone de l'Urssaf ?"]


# --- live servers, Socket.IO ---------------------------------------------------------------

async def _socket_conversation(base: str, payloads: list) -> tuple[str, list[list[dict]]]:
    """Send each payload as `user_uttered` in one session; the bot messages after each."""
    client = socketio.AsyncClient(reconnection=False)
    received: asyncio.Queue = asyncio.Queue()
    confirmed: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", received.put_nowait)
    client.on("session_confirm", confirmed.put_nowait)
    # polling: the websocket client of python-engineio 4.15 needs a newer aiohttp than Rasa pins
    await client.connect(base, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed.get(), 60)
        answers = []
        for payload in payloads:
            if isinstance(payload, dict):
                payload = dict(payload, session_id=session_id)
            await client.emit("user_uttered", payload)
            messages = [await asyncio.wait_for(received.get(), 90)]
            while True:  # the channel has no end-of-turn event: the turn ends when it goes quiet
                try:
                    messages.append(await asyncio.wait_for(received.get(), 3))
                except asyncio.TimeoutError:
                    break
            answers.append(messages)
        return session_id, answers
    finally:
        await client.disconnect()


def test_socketio_channel_sanitises_and_answers_malformed_messages(stack):
    payloads = [{"message": 123}, {"message": LONG}, {"message": "\x00\ud800 \x1b"},
                {"message": ["a"], "metadata": "{not json"}, {"message": "bonjour"}]
    session_id, answers = asyncio.run(_socket_conversation(stack.base, payloads))
    assert all(answers) and all(looks_french(reply_text(a)) for a in answers)
    assert answers[1][0]["text"] == too_long_message()
    assert "Bonjour" in reply_text(answers[-1])
    texts = user_texts(stack, session_id)
    assert texts == ["123", sanitise(LONG).text, "", "", "bonjour"]


def test_socketio_payload_that_is_not_an_object_does_not_break_the_session(stack):
    """No session id in it, so Rasa ignores it (session_persistence); the session goes on."""
    async def conversation():
        client = socketio.AsyncClient(reconnection=False)
        received: asyncio.Queue = asyncio.Queue()
        client.on("bot_uttered", received.put_nowait)
        await client.connect(stack.base, socketio_path="/socket.io", transports=["polling"])
        try:
            await client.emit("session_request", {"session_id": "hostile-socket"})
            for junk in ["bonjour", 42, None, ["x"]]:
                await client.emit("user_uttered", junk)
            await client.emit("user_uttered", {"message": "bonjour", "session_id": "hostile-socket"})
            return await asyncio.wait_for(received.get(), 90)
        finally:
            await client.disconnect()

    assert "Bonjour" in asyncio.run(conversation())["text"]
