"""Rasa's REST channel, with every message cleaned by ``serving.input_guard`` first.

Same name and path as the built-in ``rest`` channel (``/webhooks/rest/webhook``), and the
failed-turn answer of ``serving.guarded_channels``. What changes is only the reading of the
request: Rasa 3.6 answers 400 to a body with invalid UTF-8 bytes, 500 to a JSON body that is
not an object, and an empty list (turn lost) when ``message`` is ``null``, a number or a
list. Here invalid bytes become U+FFFD, any ``message`` value becomes text, and only a body
that is not a JSON object at all is refused, with a French 400.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from serving.guarded_channels import GuardedRestInput
from serving.input_guard import coerce_text, guard_input

NOT_A_JSON_OBJECT = (
    'Requête invalide : envoyez un objet JSON, par exemple {"sender": "a", "message": "bonjour"}.'
)


def json_object(request: Request) -> Dict[Text, Any]:
    """The request body as a JSON object, reading invalid UTF-8 bytes as U+FFFD."""
    parsed = request.parsed_json
    if parsed is None and request.body:
        try:
            parsed = json.loads(request.body.decode("utf-8", "replace"))
        except ValueError:
            parsed = None
    if not isinstance(parsed, dict):
        raise InvalidUsage(NOT_A_JSON_OBJECT)
    request.parsed_json = parsed
    return parsed


class SanitisingRestInput(GuardedRestInput):
    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = json_object(req).get("sender")
        return None if sender is None else coerce_text(sender) or None

    def _extract_message(self, req: Request) -> Optional[Text]:
        return coerce_text(json_object(req).get("message"))

    def _extract_input_channel(self, req: Request) -> Text:
        channel = json_object(req).get("input_channel")
        return channel if isinstance(channel, str) and channel else self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = json_object(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guard_input(on_new_message))
