"""Telegram channel: Rasa 3.6's connector, made safe and readable.

Changes from `rasa.core.channels.telegram`:
- Telegram does not sign its calls: the webhook is registered with a secret token and every
  call must carry it in `X-Telegram-Bot-Api-Secret-Token` (403 otherwise);
- texts are sent with `parse_mode=HTML`, escaped, with their addresses as links;
- buttons are an inline keyboard, one per row (our titles are long), whose callback data is
  the button payload; a click is only accepted with data found on the keyboard of the message
  it comes from, so a modified client cannot send its own `/intent{...}`;
- typed text starting with "/" never forces an intent (serving/channels/user_input.py);
- a photo, document or voice message is answered (the assistant reads text only), and the
  text typed with it, if any, is read as a message;
- the API address can be changed (`api_url`, for a local Bot API server or tests);
- as on the REST channel, text is cleaned and cut (serving/input_guard.py) and a turn that
  fails (action server, tracker store down) is still answered (serving/turn_guard.py);
- the webhook is registered once the server runs, in the server's event loop (Rasa's own
  connector does it in a throw-away loop at import time and needs getMe on every call).
"""
from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from serving.channels.formatting import split_text, telegram_html
from serving.channels.user_input import ATTACHMENT_NOT_READ, ATTACHMENT_WITH_TEXT, neutralise_command
from serving.input_guard import guard_input
from serving.turn_guard import guard_turn

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram accepts as secret_token in setWebhook.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Telegram limits: message text after entity parsing, callback data in bytes.
MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
# Callback data standing for "the title of this button", used when a payload is too long.
_TITLE_MARKER = re.compile(r"^#\d+$")
UPDATES = ["message", "edited_message", "callback_query"]
# What a user can send instead of text (a location is read: it is a place).
ATTACHMENTS = frozenset({"photo", "document", "voice", "audio", "video", "video_note", "sticker", "animation",
                         "contact", "poll", "dice"})
KEYBOARD_ONLY_TEXT = "Choisissez :"


def callback_data(index: int, payload: Text) -> Text:
    """The payload itself when Telegram can carry it, else a marker resolved to the title."""
    if payload and len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
        return payload
    return f"#{index}"


def inline_keyboard(buttons: List[Dict[Text, Any]]) -> InlineKeyboardMarkup:
    markup = InlineKeyboardMarkup()
    for index, button in enumerate(buttons):
        markup.row(InlineKeyboardButton(
            str(button["title"]), callback_data=callback_data(index, str(button.get("payload") or ""))))
    return markup


def clicked_payload(data: Optional[Text], message: Optional[Dict[Text, Any]]) -> Optional[Text]:
    """The payload of the clicked button, if `data` really is on that message's keyboard."""
    keyboard = ((message or {}).get("reply_markup") or {}).get("inline_keyboard") or []
    for row in keyboard:
        for button in row:
            if data and button.get("callback_data") == data:
                return button.get("text") if _TITLE_MARKER.match(data) else data
    return None


class TelegramHtmlOutput(TelegramOutput):
    """Sends HTML-formatted texts and one-button-per-row inline keyboards."""

    def __init__(self, access_token: Optional[Text], api_url: Optional[Text] = None) -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        # TelegramOutput.__init__ would pin the official server: call aiogram's Bot directly.
        super(TelegramOutput, self).__init__(access_token, server=server)

    async def _send(self, recipient_id: Text, text: Text,
                    reply_markup: Optional[InlineKeyboardMarkup] = None) -> None:
        parts = split_text(text, MESSAGE_LIMIT)
        if not parts:  # Telegram refuses an empty text; a keyboard still needs one
            if reply_markup is None:
                return
            parts = [KEYBOARD_ONLY_TEXT]
        for number, part in enumerate(parts, start=1):
            await self.send_message(
                recipient_id, telegram_html(part), parse_mode="HTML", disable_web_page_preview=True,
                reply_markup=reply_markup if number == len(parts) else None)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self._send(recipient_id, text, inline_keyboard(buttons))

    async def register_webhook(self, url: Text, secret_token: Text) -> bool:
        """setWebhook with the secret Telegram will send back (aiogram 2 predates it)."""
        return bool(await self.request("setWebhook", {
            "url": url, "secret_token": secret_token, "allowed_updates": json.dumps(UPDATES)}))


class TelegramChannel(TelegramInput):
    """Webhook `/webhooks/telegram/webhook`, authenticated by the secret token."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramChannel":
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            secret_token=credentials.get("secret_token"),
            api_url=credentials.get("api_url"),
        )

    def __init__(self, access_token: Optional[Text], verify: Optional[Text], webhook_url: Optional[Text],
                 secret_token: Optional[Text] = None, api_url: Optional[Text] = None) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode=False)
        if not secret_token or not SECRET_PATTERN.match(secret_token):
            raise InvalidConfigException(
                "Telegram: TELEGRAM_SECRET_TOKEN is required (1-256 characters among A-Z, a-z, 0-9, "
                "_ and -): without it anybody could post fake updates to the webhook.")
        self.secret_token = secret_token
        self.api_url = api_url

    def get_output_channel(self) -> TelegramHtmlOutput:
        return TelegramHtmlOutput(self.access_token, self.api_url)

    def is_from_telegram(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode("utf-8"), self.secret_token.encode("utf-8"))

    @staticmethod
    def user_text(update: Dict[Text, Any]) -> tuple[Optional[Dict[Text, Any]], Optional[Text]]:
        """(message, text) of an update; text None when there is nothing to answer."""
        query = update.get("callback_query")
        if query:
            message = query.get("message")
            payload = clicked_payload(query.get("data"), message)
            if payload is not None:
                return message, payload
            # Not one of our buttons (or a message too old to check): treat it as typed text.
            return message, neutralise_command(query.get("data") or "") or None
        message = update.get("message") or update.get("edited_message")
        if not message:
            return None, None
        if message.get("text"):
            return message, neutralise_command(message["text"]) or None
        location = message.get("location")
        if location:
            return message, '{{"lng":{0}, "lat":{1}}}'.format(location["longitude"], location["latitude"])
        if message.get("caption"):  # the text typed with a photo or a document
            return message, neutralise_command(message["caption"]) or None
        return message, None

    @staticmethod
    def has_attachment(update: Dict[Text, Any]) -> bool:
        message = update.get("message") or update.get("edited_message") or {}
        return any(message.get(kind) for kind in ATTACHMENTS)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()
        # As the REST channel: cleaned text (serving/input_guard.py), failed turns answered.
        on_new_message = guard_turn(guard_input(on_new_message))

        @telegram_webhook.listener("after_server_start")
        async def register(_app: Any, _loop: Any) -> None:
            try:
                me = await out_channel.get_me()
                if self.verify and me.username != self.verify:
                    logger.warning(f"Telegram: the token belongs to @{me.username}, not @{self.verify}.")
                if self.webhook_url:
                    await out_channel.register_webhook(self.webhook_url, self.secret_token)
                    logger.info(f"Telegram webhook registered: {self.webhook_url}")
            except (TelegramAPIError, OSError) as error:
                logger.error(f"Telegram: could not check the bot or register the webhook: {error}")

        @telegram_webhook.listener("before_server_stop")
        async def close(_app: Any, _loop: Any) -> None:
            await out_channel.close()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.is_from_telegram(request):
                return response.text("forbidden", status=403)
            update = request.json
            if not isinstance(update, dict):
                return response.text("bad update", status=400)
            message_, text = self.user_text(update)
            chat = (message_ or {}).get("chat") or {}
            query = update.get("callback_query") or {}
            sender_id = chat.get("id") or (query.get("from") or {}).get("id")
            if query.get("id"):
                try:  # stops the spinner on the user's button
                    await out_channel.answer_callback_query(query["id"])
                except (TelegramAPIError, OSError) as error:
                    logger.warning(f"Telegram: answerCallbackQuery failed: {error}")
            if sender_id is not None and self.has_attachment(update):
                try:  # answered here: the text-only model has nothing to read in a photo
                    await out_channel.send_text_message(str(sender_id), ATTACHMENT_WITH_TEXT if text else ATTACHMENT_NOT_READ)
                except (TelegramAPIError, OSError) as error:
                    logger.warning(f"Telegram: could not answer an attachment: {error}")
            if text is None or sender_id is None:
                return response.text("success")
            try:
                await on_new_message(UserMessage(
                    text, out_channel, sender_id, input_channel=self.name(),
                    metadata=self.get_metadata(request)))
            except Exception as error:  # answering 200 keeps Telegram from resending forever
                logger.error(f"Telegram: could not handle the update: {error}", exc_info=True)
            return response.text("success")

        return telegram_webhook
