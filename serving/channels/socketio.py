"""Rasa's Socket.IO channel, with every message cleaned by ``serving.input_guard`` first.

Same name, path, events and settings as the built-in ``socketio`` channel (python-socketio
5.9.0, ``session_persistence``), and the failed-turn answer of ``serving.guarded_channels``.
Rasa 3.6's handler calls ``data.get("message", "").strip()``: a client that emits no data,
a string, or a number as ``message`` makes it raise, and the turn is lost. The handler Rasa
registers is kept and only fed a well-formed payload.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict

from sanic import Blueprint

from serving.guarded_channels import GuardedSocketIOInput
from serving.input_guard import coerce_text, guard_input


def well_formed(data: Any, metadata_key: str) -> Dict[str, Any]:
    """A copy of a ``user_uttered`` payload that Rasa's handler can read whatever was sent."""
    payload = dict(data) if isinstance(data, dict) else {}
    payload["message"] = coerce_text(payload.get("message"))
    metadata = payload.get(metadata_key)
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            metadata = None
    payload[metadata_key] = metadata if isinstance(metadata, dict) else {}
    return payload


class SanitisingSocketIOInput(GuardedSocketIOInput):
    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(guard_input(on_new_message))
        assert self.sio is not None  # set by SocketIOInput.blueprint
        rasa_handler = self.sio.handlers[self.namespace or "/"][self.user_message_evt]
        metadata_key = self.metadata_key or "metadata"

        async def handle_message(sid: str, data: Any = None) -> None:
            await rasa_handler(sid, well_formed(data, metadata_key))

        self.sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
