"""Telegram and Slack end to end: real Rasa and action servers, fake Telegram and Slack APIs.

The session stack (tests/conftest.py) opens the two channels against tests/fake_apis.py. The
tests post what Telegram and Slack would post to our webhooks, then read what the bot sent
back to the fake APIs. Replies are asynchronous for Slack: they are awaited by polling.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional

import pytest

from assistant import faq
from assistant.nlu_data import training_examples
from assistant.text import fold
from serving.channels.formatting import slack_mrkdwn, telegram_html
from serving.channels.telegram import SECRET_HEADER
from serving.channels.user_input import ATTACHMENT_NOT_READ, ATTACHMENT_WITH_TEXT
from tests.fake_apis import Call

_ids = itertools.count(1)
URSSAF_QUESTION = "quel est le numéro de l'urssaf ?"
# An answer with an address and a "&": "onglet « Documents & Démarches »" on https://www.urssaf.fr.
DELAY_QUESTION = training_examples()["faq_paiement_delai"][0]
ATTESTATIONS = next(t for t in faq.topics() if t.id == "attestations")


def http_post(url: str, body: bytes, headers: Dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def user_texts(stack, conversation: str) -> List[str]:
    return [e["text"] for e in stack.tracker(conversation)["events"] if e["event"] == "user"]


def last_user_event(stack, conversation: str) -> Dict[str, Any]:
    return [e for e in stack.tracker(conversation)["events"] if e["event"] == "user"][-1]


def assert_nlu_decided(event: Dict[str, Any]) -> None:
    """The NLU ranked the intents: the text did not force one (Rasa's "/intent" gives a single one)."""
    assert not event["text"].startswith("/")
    assert len(event["parse_data"].get("intent_ranking") or []) > 1


# --- Telegram -----------------------------------------------------------------------------

class TelegramChat:
    """One private chat with the bot, as Telegram would post it to our webhook."""

    def __init__(self, stack, apis) -> None:
        self.stack, self.fake, self.secret = stack, apis.telegram, apis.telegram_secret
        self.chat_id = 700000 + next(_ids)
        self.user = {"id": self.chat_id, "is_bot": False, "first_name": "Camille", "language_code": "fr"}

    def post(self, update: Dict[str, Any], secret: Optional[str] = "default") -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = self.secret if secret == "default" else secret
        update = {"update_id": next(_ids), **update}
        return http_post(f"{self.stack.base}/webhooks/telegram/webhook", json.dumps(update).encode(), headers)

    def message(self, text: str, **kwargs: Any) -> int:
        return self.post({"message": {
            "message_id": next(_ids), "date": int(time.time()), "text": text, "from": self.user,
            "chat": {"id": self.chat_id, "type": "private", "first_name": "Camille"}}}, **kwargs)

    def attachment(self, kind: str, caption: Optional[str] = None) -> int:
        """A photo (or a voice message…) as Telegram posts it, with the text typed under it, if any."""
        media = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}] if kind == "photo" else {
            "file_id": "AwAD", "file_unique_id": "AQAE", "duration": 3}
        message = {"message_id": next(_ids), "date": int(time.time()), "from": self.user, kind: media,
                   "chat": {"id": self.chat_id, "type": "private", "first_name": "Camille"}}
        if caption is not None:
            message["caption"] = caption
        return self.post({"message": message})

    def click(self, reply: Call, data: str) -> int:
        """A button click on `reply` (Telegram sends back the message with its keyboard)."""
        message = {"message_id": next(_ids), "date": int(time.time()), "text": reply.body["text"],
                   "chat": {"id": self.chat_id, "type": "private"},
                   "from": {"id": self.fake.bot_id, "is_bot": True, "first_name": "Assistant"},
                   "reply_markup": json.loads(reply.body.get("reply_markup") or "{}")}
        return self.post({"callback_query": {"id": f"cb{next(_ids)}", "from": self.user, "chat_instance": "1",
                                             "data": data, "message": message}})

    def replies(self, count: int) -> List[Call]:
        """The first `count` messages the bot sent to this chat, waiting for them."""
        return self.fake.wait_for("sendMessage", lambda c: c.body.get("chat_id") == str(self.chat_id), count)

    def sent(self) -> List[Call]:
        return [c for c in self.fake.calls_to("sendMessage") if c.body.get("chat_id") == str(self.chat_id)]


def keyboard(reply: Call) -> List[Dict[str, str]]:
    rows = json.loads(reply.body.get("reply_markup") or "{}").get("inline_keyboard") or []
    assert all(len(row) == 1 for row in rows), "one button per row"
    return [button for row in rows for button in row]


_TAG = re.compile(r'<a href="[^"<>]*">|</a>|</?b>')


def assert_clean_html(text: str) -> None:
    """Only our tags, every other <, > and & escaped, no Markdown."""
    assert "**" not in text and "](" not in text
    rest = _TAG.sub("", text)
    assert "<" not in rest and ">" not in rest, text
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;)", rest), text


@pytest.fixture
def chat(stack, channel_apis) -> TelegramChat:
    return TelegramChat(stack, channel_apis)


def test_telegram_webhook_registered_with_the_secret(stack, channel_apis):
    call = channel_apis.telegram.wait_for("setWebhook")[0]
    assert call.body["url"] == f"{stack.base}/webhooks/telegram/webhook"
    assert call.body["secret_token"] == channel_apis.telegram_secret


def test_telegram_question_answered_in_html(chat):
    assert chat.message(URSSAF_QUESTION) == 200
    reply = chat.replies(1)[0]
    offered = [b for b in keyboard(reply) if b["callback_data"] == "/faq_tel_urssaf"] if "reply_markup" in reply.body else []
    if offered:  # the model hesitated and asked: the user clicks the right button
        assert chat.click(reply, offered[0]["callback_data"]) == 200
        reply = chat.replies(2)[1]
    assert reply.body["parse_mode"] == "HTML"
    assert "3698" in reply.body["text"]
    assert_clean_html(reply.body["text"])


def test_telegram_escapes_and_links(chat):
    assert chat.message(DELAY_QUESTION) == 200
    text = chat.replies(1)[0].body["text"]
    assert '<a href="https://www.urssaf.fr">https://www.urssaf.fr</a>' in text
    assert "Documents &amp; Démarches" in text
    assert_clean_html(text)


def test_telegram_buttons_and_clicks(stack, chat):
    assert chat.message("aide") == 200
    menu = chat.replies(1)[0]
    buttons = keyboard(menu)
    titles = [b["text"] for b in buttons]
    assert titles[:2] == ["Calculer mes indemnités journalières", "Trouver mon organisme ou mon agence"]
    assert [t.label for t in faq.topics()] == titles[2:]
    topic_button = next(b for b in buttons if b["text"] == ATTESTATIONS.label)
    assert topic_button["callback_data"] == '/help_topic{"faq_topic": "attestations"}'

    assert chat.click(menu, topic_button["callback_data"]) == 200
    assert chat.fake.wait_for("answerCallbackQuery")  # the spinner on the button stops
    topic_reply = chat.replies(2)[1]
    entries = keyboard(topic_reply)
    assert [b["text"] for b in entries] == [e.title for e in ATTESTATIONS.entries]
    assert [b["callback_data"] for b in entries] == ["/" + e.intent for e in ATTESTATIONS.entries]
    clicked = last_user_event(stack, str(chat.chat_id))
    assert clicked["parse_data"]["intent"]["name"] == "help_topic"

    entry = ATTESTATIONS.entries[1]
    assert chat.click(topic_reply, "/" + entry.intent) == 200
    answer = chat.replies(3)[2].body["text"]
    for fact in entry.key_facts:
        assert fold(fact) in fold(answer)
    assert_clean_html(answer)


def test_telegram_typed_or_forged_intents_go_through_the_nlu(stack, chat):
    assert chat.message("/faq_tel_urssaf") == 200
    chat.replies(1)
    typed = last_user_event(stack, str(chat.chat_id))
    assert typed["text"] == "faq_tel_urssaf"
    assert_nlu_decided(typed)

    assert chat.message("aide") == 200
    menu = chat.replies(2)[1]
    # A modified client clicks with data that is not on the message's keyboard.
    assert chat.click(menu, '/inform{"statut": "artisan"}') == 200
    chat.replies(3)
    forged = last_user_event(stack, str(chat.chat_id))
    assert forged["text"] == 'inform {"statut": "artisan"}'
    assert_nlu_decided(forged)


def test_telegram_start_command_greets(stack, chat):
    assert chat.message("/start") == 200
    chat.replies(1)
    assert last_user_event(stack, str(chat.chat_id))["text"] == "bonjour"


@pytest.mark.parametrize("secret", [None, "wrong-secret"], ids=["no-secret", "wrong-secret"])
def test_telegram_rejects_calls_without_the_secret(stack, chat, secret):
    assert chat.message(URSSAF_QUESTION, secret=secret) == 403
    # The same chat then talks normally: only that message is in the conversation.
    assert chat.message("bonjour") == 200
    chat.replies(1)
    assert user_texts(stack, str(chat.chat_id)) == ["bonjour"]
    assert not any("3698" in c.body["text"] for c in chat.sent())


@pytest.mark.parametrize("kind", ["photo", "voice"])
def test_telegram_attachment_alone_is_answered(stack, chat, kind):
    assert chat.attachment(kind) == 200
    assert chat.replies(1)[0].body["text"] == telegram_html(ATTACHMENT_NOT_READ)
    assert user_texts(stack, str(chat.chat_id)) == []  # nothing for the model to read


def test_telegram_text_under_a_photo_is_read(stack, chat):
    assert chat.attachment("photo", caption=DELAY_QUESTION) == 200
    note, answer = chat.replies(2)
    assert note.body["text"] == telegram_html(ATTACHMENT_WITH_TEXT)
    assert "3698" in answer.body["text"]
    assert user_texts(stack, str(chat.chat_id)) == [DELAY_QUESTION]


# --- Slack --------------------------------------------------------------------------------

class SlackUser:
    """One user in a direct-message channel with the bot, as Slack would post it."""

    def __init__(self, stack, apis) -> None:
        self.stack, self.fake, self.secret = stack, apis.slack, apis.slack_signing_secret
        number = next(_ids)
        self.user, self.channel = f"UTEST{number}", f"DTEST{number}"

    def headers(self, body: bytes, content_type: str, secret: Optional[str] = None,
                timestamp: Optional[int] = None) -> Dict[str, str]:
        """Slack's signature: HMAC-SHA256 of "v0:{timestamp}:{body}" with the signing secret."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        digest = hmac.new((secret or self.secret).encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
        return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": f"v0={digest.hexdigest()}"}

    def post(self, body: bytes, content_type: str, **signing: Any) -> int:
        return http_post(f"{self.stack.base}/webhooks/slack/webhook", body,
                         self.headers(body, content_type, **signing))

    def message(self, text: str, files: Optional[List[Dict[str, Any]]] = None, **kwargs: Any) -> int:
        event = {"token": "unused", "team_id": "TTEST", "api_app_id": "ATEST", "type": "event_callback",
                 "event_id": f"Ev{next(_ids)}", "event_time": int(time.time()),
                 "authorizations": [{"user_id": "UBOT", "is_bot": True}],
                 "event": {"type": "message", "channel": self.channel, "channel_type": "im", "user": self.user,
                           "text": text, "ts": f"{int(time.time())}.{next(_ids):06d}"}}
        if files:
            event["event"].update(subtype="file_share", files=files)
        return self.post(json.dumps(event).encode(), "application/json", **kwargs)

    def click(self, value: str) -> int:
        payload = {"type": "block_actions", "user": {"id": self.user}, "channel": {"id": self.channel},
                   "message": {"ts": "1.000001"}, "actions": [{"type": "button", "action_id": "button_0",
                                                               "value": value}]}
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def replies(self, count: int) -> List[Call]:
        return self.fake.wait_for("chat.postMessage", lambda c: c.body.get("channel") == self.channel, count)

    def sent(self) -> List[Call]:
        return [c for c in self.fake.calls_to("chat.postMessage") if c.body.get("channel") == self.channel]


def slack_buttons(reply: Call) -> List[Dict[str, Any]]:
    return [e for block in reply.body.get("blocks") or [] if block["type"] == "actions" for e in block["elements"]]


def assert_clean_mrkdwn(text: str) -> None:
    assert "**" not in text and "](" not in text
    rest = re.sub(r"<https?://[^<>|]+(\|[^<>]+)?>", "", text)
    assert "<" not in rest and ">" not in rest, text
    assert not re.search(r"&(?!amp;|lt;|gt;)", rest), text


@pytest.fixture
def slack_user(stack, channel_apis) -> SlackUser:
    return SlackUser(stack, channel_apis)


def test_slack_request_url_verification(slack_user):
    body = json.dumps({"token": "unused", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"})
    request = urllib.request.Request(f"{slack_user.stack.base}/webhooks/slack/webhook", data=body.encode(),
                                     headers=slack_user.headers(body.encode(), "application/json"))
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.read().decode() == "3eZbrw1aBm2rZgRNFdxV"
    assert slack_user.post(body.encode(), "application/json", secret="wrong") == 401


def test_slack_question_answered_in_mrkdwn(slack_user):
    assert slack_user.message(DELAY_QUESTION) == 200
    reply = slack_user.replies(1)[0]
    assert reply.headers.get("Authorization") == f"Bearer {slack_user.fake.token}"
    text = reply.body["text"]
    assert "<https://www.urssaf.fr>" in text and "Documents &amp; Démarches" in text
    assert "3698" in text
    assert_clean_mrkdwn(text)


def test_slack_buttons_and_clicks(stack, slack_user):
    assert slack_user.message("aide") == 200
    menu = slack_user.replies(1)[0]
    section = menu.body["blocks"][0]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    buttons = slack_buttons(menu)
    assert [b["text"]["text"] for b in buttons][2:] == [t.label for t in faq.topics()]  # all 10, not dropped
    value = next(b["value"] for b in buttons if b["text"]["text"] == ATTESTATIONS.label)

    assert slack_user.click(value) == 200
    topic_reply = slack_user.replies(2)[1]
    assert [b["value"] for b in slack_buttons(topic_reply)] == ["/" + e.intent for e in ATTESTATIONS.entries]
    assert last_user_event(stack, slack_user.user)["parse_data"]["intent"]["name"] == "help_topic"


def test_slack_typed_intent_goes_through_the_nlu(stack, slack_user):
    assert slack_user.message("\uff0ffaq_tel_urssaf") == 200  # a full-width slash, "/" once cleaned
    slack_user.replies(1)
    event = last_user_event(stack, slack_user.user)
    assert event["text"] == "faq_tel_urssaf"
    assert_nlu_decided(event)


@pytest.mark.parametrize("forgery", ["bad-signature", "old-timestamp"])
def test_slack_rejects_unsigned_or_replayed_calls(stack, slack_user, forgery):
    kwargs = {"secret": "not-the-signing-secret"} if forgery == "bad-signature" else {
        "timestamp": int(time.time()) - 6 * 60}
    assert slack_user.message(URSSAF_QUESTION, **kwargs) == 401
    assert slack_user.message("bonjour") == 200
    slack_user.replies(1)
    assert user_texts(stack, slack_user.user) == ["bonjour"]
    assert not any("3698" in c.body["text"] for c in slack_user.sent())


SHARED_FILE = [{"id": "F0TEST", "name": "attestation.pdf", "mimetype": "application/pdf", "filetype": "pdf"}]


def test_slack_file_alone_is_answered(stack, slack_user):
    assert slack_user.message("", files=SHARED_FILE) == 200
    assert slack_user.replies(1)[0].body["text"] == slack_mrkdwn(ATTACHMENT_NOT_READ)
    assert user_texts(stack, slack_user.user) == []


def test_slack_text_with_a_file_is_read(stack, slack_user):
    assert slack_user.message(DELAY_QUESTION, files=SHARED_FILE) == 200
    note, answer = slack_user.replies(2)
    assert note.body["text"] == slack_mrkdwn(ATTACHMENT_WITH_TEXT)
    assert "3698" in answer.body["text"]
    assert user_texts(stack, slack_user.user) == [DELAY_QUESTION]
