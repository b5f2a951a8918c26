"""Rasa's REST and Socket.IO channels, unchanged except that a failed turn is always answered.

Same names, paths and settings as the built-in ``rest`` and ``socketio`` channels
(``/webhooks/rest/webhook``, ``/socket.io``). credentials.yml names their subclasses in
serving/channels/ (which also clean the input); other channels get the same behaviour by
wrapping their ``on_new_message`` with ``serving.turn_guard.guard_turn``.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from serving import action_http, action_replies
from serving.turn_guard import guard_turn

action_http.install()  # one kept-alive session to the action server (serving/action_http.py)
action_replies.install()  # also when the tracker store is not ours (serving/action_replies.py)


def _closing_action_sessions(blueprint: Blueprint) -> Blueprint:
    """Both channels are always on: either closes the kept-alive action-server sessions."""
    blueprint.listener("after_server_stop")(action_http.close_sessions)
    return blueprint


class GuardedRestInput(RestInput):
    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        return _closing_action_sessions(super().blueprint(guard_turn(on_new_message)))


class GuardedSocketIOInput(SocketIOInput):
    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        return _closing_action_sessions(super().blueprint(guard_turn(on_new_message)))
