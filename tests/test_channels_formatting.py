"""Bot text -> Telegram HTML / Slack mrkdwn, typed commands, keyboards and Slack blocks."""
import asyncio
import html
import json
import re

import pytest
from rasa.shared.exceptions import InvalidConfigException

from serving.channels.formatting import Span, slack_mrkdwn, spans, split_text, telegram_html
from serving.channels.slack import button_blocks, user_text
from serving.channels.telegram import (KEYBOARD_ONLY_TEXT, MESSAGE_LIMIT, TelegramChannel, TelegramHtmlOutput,
                                       clicked_payload, inline_keyboard)
from serving.channels.user_input import neutralise_command
from serving.input_guard import sanitise

ANSWER = ("Dans votre espace https://www.urssaf.fr, onglet « Documents & Démarches ».\n"
          "- retraite : https://www.lassuranceretraite.fr.\n"
          "Si a < b et b > c (voir https://fr.wikipedia.org/wiki/Urssaf_(France)).")


def test_bare_urls_become_spans_without_their_punctuation():
    urls = [s.url for s in spans(ANSWER) if s.url]
    assert urls == ["https://www.urssaf.fr", "https://www.lassuranceretraite.fr",
                    "https://fr.wikipedia.org/wiki/Urssaf_(France)"]
    assert "".join(s.text for s in spans(ANSWER)) == ANSWER


def test_telegram_html_escapes_and_links():
    out = telegram_html(ANSWER)
    assert '<a href="https://www.urssaf.fr">https://www.urssaf.fr</a>, onglet' in out
    assert "Documents &amp; Démarches" in out
    assert "a &lt; b et b &gt; c" in out
    assert '<a href="https://fr.wikipedia.org/wiki/Urssaf_(France)">' in out and out.endswith("</a>).")
    assert "\n- retraite" in out  # line breaks kept: Telegram shows them as is


def test_markdown_never_leaks():
    text = "Voir **le guide** sur [le site](https://www.urssaf.fr/a?b=1&c=2) ou <script>."
    assert spans(text)[1] == Span("le guide", bold=True)
    html_out = telegram_html(text)
    assert html_out == ('Voir <b>le guide</b> sur <a href="https://www.urssaf.fr/a?b=1&amp;c=2">le site</a>'
                        " ou &lt;script&gt;.")
    slack_out = slack_mrkdwn(text)
    assert slack_out == "Voir *le guide* sur <https://www.urssaf.fr/a?b=1&amp;c=2|le site> ou &lt;script&gt;."
    for out in (html_out, slack_out):
        assert "**" not in out and "](" not in out


def test_slack_mrkdwn_escapes_and_links():
    out = slack_mrkdwn(ANSWER)
    assert "espace <https://www.urssaf.fr>, onglet « Documents &amp; Démarches »." in out
    assert "a &lt; b et b &gt; c" in out
    assert slack_mrkdwn("https://a.fr/x|y") == "<https://a.fr/x%7Cy>"


def test_split_text_cuts_between_paragraphs_then_lines_and_keeps_everything():
    text = "\n".join(f"ligne {i} https://www.urssaf.fr/page{i}" for i in range(200))
    parts = split_text(text, 500)
    assert all(len(p) <= 500 for p in parts) and len(parts) > 1
    assert "\n".join(parts) == text
    assert split_text("court", 500) == ["court"]
    assert split_text("x" * 1200, 500) == ["x" * 500, "x" * 500, "x" * 200]


def test_typed_commands_never_force_an_intent():
    assert neutralise_command("/faq_tel_urssaf") == "faq_tel_urssaf"
    assert neutralise_command('  /inform{"statut": "artisan"}') == 'inform {"statut": "artisan"}'
    assert neutralise_command("//restart") == "restart"
    assert neutralise_command("/ /help") == "aide"
    # What serving/input_guard.py would turn into "/" later is neutralised too.
    assert neutralise_command("\u200b/faq_tel_urssaf") == "faq_tel_urssaf"
    assert neutralise_command("\uff0ffaq_tel_urssaf") == "faq_tel_urssaf"
    assert neutralise_command("\u202f\ufeff /inform") == "inform"
    assert neutralise_command("/start") == "bonjour"
    assert neutralise_command("/start@assistant_bot") == "bonjour"
    assert neutralise_command("/aide") == "aide"
    assert neutralise_command("bonjour /faq_x") == "bonjour /faq_x"
    assert neutralise_command("  bonjour  ") == "bonjour"
    for text in ["/x", "/start", " //a{}", "/ /b", "\u2060\uff0f\u3000/x", "/\t\n/"]:
        assert not sanitise(neutralise_command(text)).text.startswith("/")


BUTTONS = [{"title": "Attestations", "payload": '/help_topic{"faq_topic": "attestations"}'},
           {"title": "Trop long", "payload": "/inform" + json.dumps({"departement": "é" * 40})}]


def test_telegram_keyboard_one_button_per_row_with_payloads():
    keyboard = inline_keyboard(BUTTONS).to_python()["inline_keyboard"]
    assert keyboard == [[{"text": "Attestations", "callback_data": '/help_topic{"faq_topic": "attestations"}'}],
                        [{"text": "Trop long", "callback_data": "#1"}]]
    message = {"reply_markup": {"inline_keyboard": keyboard}}
    assert clicked_payload('/help_topic{"faq_topic": "attestations"}', message) == BUTTONS[0]["payload"]
    assert clicked_payload("#1", message) == "Trop long"  # too long for Telegram: the title is sent
    assert clicked_payload("/faq_tel_urssaf", message) is None  # not on that keyboard
    assert clicked_payload("#1", None) is None


def test_slack_buttons_as_block_kit_actions():
    many = [{"title": f"Choix {i}", "payload": f"/p{i}"} for i in range(30)]
    blocks = button_blocks(many)
    assert [len(b["elements"]) for b in blocks] == [25, 5]
    first = blocks[0]["elements"][0]
    assert first == {"type": "button", "action_id": "button_0",
                     "text": {"type": "plain_text", "text": "Choix 0"}, "value": "/p0"}
    assert len({e["action_id"] for b in blocks for e in b["elements"]}) == 30


def test_slack_user_text_loses_slack_markup():
    assert user_text("voir <https://www.urssaf.fr|urssaf.fr> &amp; <https://a.fr> a &lt; b") == \
        "voir urssaf.fr & https://a.fr a < b"
    assert user_text("<mailto:a@b.fr|a@b.fr>") == "a@b.fr"


class RecordingTelegram(TelegramHtmlOutput):
    """The Telegram output with send_message captured instead of calling the API."""

    def __init__(self) -> None:
        super().__init__("123:abc", api_url="http://127.0.0.1:9")
        self.sent: list = []

    async def send_message(self, chat_id, text, **kwargs):
        self.sent.append({"chat_id": chat_id, "text": text, **kwargs})


def test_telegram_output_splits_long_texts_and_keeps_buttons_on_the_last_part():
    bot = RecordingTelegram()
    assert bot.server.api_url("123:abc", "sendMessage") == "http://127.0.0.1:9/bot123:abc/sendMessage"
    long_text = "\n\n".join(f"Paragraphe {i} & https://www.urssaf.fr/{i}" for i in range(400))
    asyncio.run(bot.send_text_with_buttons("42", long_text, BUTTONS[:1]))
    assert len(bot.sent) > 1
    # Telegram's limit applies to the text the user sees, once the HTML is parsed.
    visible = [html.unescape(re.sub(r"<[^>]+>", "", m["text"])) for m in bot.sent]
    assert all(len(text) <= MESSAGE_LIMIT for text in visible) and "\n\n".join(visible) == long_text
    assert all(m["parse_mode"] == "HTML" for m in bot.sent)
    assert [m["reply_markup"] is not None for m in bot.sent] == [False] * (len(bot.sent) - 1) + [True]
    assert "Paragraphe 399 &amp; <a href=" in bot.sent[-1]["text"]
    bot.sent.clear()
    asyncio.run(bot.send_text_message("42", "  "))
    asyncio.run(bot.send_text_with_buttons("42", "", BUTTONS[:1]))
    assert [m["text"] for m in bot.sent] == [KEYBOARD_ONLY_TEXT]


def test_telegram_channel_requires_a_valid_secret():
    base = {"access_token": "123:abc", "webhook_url": "https://bot.example.fr/webhooks/telegram/webhook"}
    for secret in [None, "", "with spaces", "x" * 257]:
        with pytest.raises(InvalidConfigException):
            TelegramChannel.from_credentials({**base, "secret_token": secret})
    channel = TelegramChannel.from_credentials({**base, "secret_token": "ok_secret-1"})
    assert channel.get_output_channel().server.api_url("123:abc", "getMe") == "https://api.telegram.org/bot123:abc/getMe"
