"""Slack channel: Rasa 3.6's connector with readable messages and strict signatures.

Changes from `rasa.core.channels.slack`:
- a request without a valid signature (HMAC of `v0:{timestamp}:{body}` with the signing
  secret, timestamp within 5 minutes) is rejected with 401 before anything else runs;
- texts are sent as mrkdwn with &, <, > escaped and addresses as links; buttons as Block Kit
  `actions` blocks (up to 25 per block, so the 10-button help menu is not dropped as in Rasa);
- what the user types loses Slack's markup (<url|label>, &amp;) and never forces an intent
  (serving/channels/user_input.py); button clicks come signed by Slack with our own values;
- as on the REST channel, text is cleaned and cut (serving/input_guard.py) and a turn that
  fails (action server, tracker store down) is still answered (serving/turn_guard.py);
- a shared file is answered (the assistant reads text only), and the text sent with it, if
  any, is read as a message;
- the API address can be changed (`api_url`, for tests).
"""
from __future__ import annotations

import html
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from slack_sdk.web.async_client import AsyncWebClient

from serving.channels.formatting import slack_mrkdwn, split_text
from serving.channels.user_input import ATTACHMENT_NOT_READ, ATTACHMENT_WITH_TEXT, neutralise_command
from serving.input_guard import guard_input
from serving.turn_guard import guard_turn

logger = logging.getLogger(__name__)

# Block Kit limits: section text, elements of one actions block, button label.
SECTION_LIMIT = 2500
BUTTONS_PER_BLOCK = 25
BUTTON_TITLE_LIMIT = 75
_LINK_WITH_LABEL = re.compile(r"<((?:https?|mailto):[^<>|]+)\|([^<>]+)>")
_LINK = re.compile(r"<((?:https?|mailto):[^<>|]+)>")


def user_text(text: Text) -> Text:
    """What the user wrote, without Slack's markup: labels of links, real &, <, >."""
    text = _LINK_WITH_LABEL.sub(r"\2", text)
    text = _LINK.sub(r"\1", text)
    return html.unescape(text)


def button_blocks(buttons: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    elements = [{
        "type": "button",
        "action_id": f"button_{index}",  # must be unique within a message
        "text": {"type": "plain_text", "text": str(button["title"])[:BUTTON_TITLE_LIMIT]},
        "value": str(button.get("payload") or button["title"]),
    } for index, button in enumerate(buttons)]
    return [{"type": "actions", "elements": elements[start:start + BUTTONS_PER_BLOCK]}
            for start in range(0, len(elements), BUTTONS_PER_BLOCK)]


class SlackMrkdwnOutput(SlackBot):
    """Posts mrkdwn texts and Block Kit buttons with chat.postMessage."""

    def __init__(self, token: Text, slack_channel: Optional[Text] = None, thread_id: Optional[Text] = None,
                 proxy: Optional[Text] = None, api_url: Optional[Text] = None) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_url:
            self.client = AsyncWebClient(token, proxy=proxy, base_url=api_url.rstrip("/") + "/")

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        for part in split_text(text, SECTION_LIMIT):
            await self._post_message(channel=recipient, text=slack_mrkdwn(part))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        recipient = self.slack_channel or recipient_id
        sections = [{"type": "section", "text": {"type": "mrkdwn", "text": slack_mrkdwn(part)}}
                    for part in split_text(text, SECTION_LIMIT)]
        await self._post_message(channel=recipient, text=slack_mrkdwn(text),
                                 blocks=sections + button_blocks(buttons))


class SlackChannel(SlackInput):
    """Webhook `/webhooks/slack/webhook` for Events API messages and button clicks."""

    api_url: Optional[Text] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackChannel":
        channel = super().from_credentials(credentials)
        channel.api_url = (credentials or {}).get("api_url")
        return channel

    @staticmethod
    def _is_user_message(slack_event: Dict[Text, Any]) -> bool:
        """Rasa's test, plus a file shared without a word (Rasa would skip it unanswered)."""
        event = slack_event.get("event") or {}
        if event.get("type") == "message" and event.get("files") and not event.get("bot_id"):
            return True
        return SlackInput._is_user_message(slack_event)

    async def process_message(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                              text: Text, sender_id: Optional[Text], metadata: Optional[Dict]) -> Any:
        """A shared file is answered here (the assistant reads text only); its text, if any, goes on."""
        body = request.json if request.content_type.startswith("application/json") else None
        event = (body or {}).get("event") or {}
        if event.get("files") and not request.headers.get(self.retry_num_header):
            channel = self.get_output_channel((metadata or {}).get("out_channel"),
                                              (metadata or {}).get("thread_id") if self.use_threads else None)
            try:
                await channel.send_text_message(sender_id or "", ATTACHMENT_WITH_TEXT if text.strip() else ATTACHMENT_NOT_READ)
            except Exception as error:  # Slack unreachable: the text's turn still goes on
                logger.warning(f"Slack: could not answer a shared file: {error}")
            if not text.strip():
                return response.text("")
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    @staticmethod
    def _sanitize_user_message(text: Text, uids_to_remove: Optional[List[Text]]) -> Text:
        return neutralise_command(user_text(SlackInput._sanitize_user_message(text, uids_to_remove)))

    def get_output_channel(self, channel: Optional[Text] = None,
                           thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackMrkdwnOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy,
                                 self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = super().blueprint(guard_turn(guard_input(on_new_message)))

        @slack_webhook.middleware("request")
        async def require_signature(request: Request) -> Optional[response.HTTPResponse]:
            # Rasa's route checks too, but answers 400 and only after reading the request.
            if not request.path.rstrip("/").endswith("/webhook"):
                return None
            if not self.is_request_from_slack_authentic(request):
                return response.text("invalid Slack signature", status=401)
            # Registering the Request URL: Slack documents a plain-text echo of the challenge
            # (Rasa answers a JSON string).
            event = request.json if request.content_type.startswith("application/json") else None
            if isinstance(event, dict) and event.get("type") == "url_verification":
                return response.text(str(event.get("challenge", "")))
            return None

        return slack_webhook
