"""The assistant, in this process, for the support tools.

Why in-process (``rasa.core.agent.Agent``) rather than the HTTP API of a running server:
the shell needs the full NLU result of every turn (intent ranking, what our components
added) and every event the turn produced, in order. The agent's tracker store gives exactly
that with no server to configure, no API token, no port for Rasa and no conversation
left in the production tracker database. Custom actions still run in the real action
server (``rasa run actions``), which the shell starts on a free port, in its own process
group, and stops on exit (``serving.action_server``); ``--actions-url`` points to one
already running instead.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "assistant.tar.gz"
ACTIONS_LOG = ROOT / "var" / "log" / "support-actions.log"

# Quiet before Rasa and TensorFlow are imported: the support team reads the turns, not logs.
for _name, _value in (("RASA_TELEMETRY_ENABLED", "false"), ("TF_CPP_MIN_LOG_LEVEL", "3"),
                      ("SQLALCHEMY_SILENCE_UBER_WARNING", "1"), ("LOG_LEVEL", "ERROR")):
    os.environ.setdefault(_name, _value)


def _quiet_rasa() -> None:
    """Errors only, on stderr. Libraries loaded with the model (TensorFlow, jax, matplotlib)
    re-enable their deprecation warnings, so warnings are dropped at display time instead of
    by filter: none of them is something the support team can act on."""
    logging.basicConfig(stream=sys.stderr, level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    warnings.showwarning = lambda *args, **kwargs: None
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.ERROR)
    configure_structlog(logging.ERROR)


class Assistant:
    """The trained model with an in-memory tracker store; actions over HTTP."""

    def __init__(self, model_path: Path, action_url: str) -> None:
        _quiet_rasa()
        from rasa.core.agent import Agent
        from rasa.utils.endpoints import EndpointConfig

        self._loop = asyncio.new_event_loop()
        self.agent = Agent.load(str(model_path), action_endpoint=EndpointConfig(action_url))

    def send(self, sender: str, text: str) -> list[dict]:
        """Handle one user message; the messages the bot sent back."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        channel = CollectingOutputChannel()
        self._loop.run_until_complete(self.agent.handle_message(UserMessage(text, channel, sender_id=sender)))
        return channel.messages

    def events(self, sender: str) -> list[dict]:
        """The conversation's events as JSON dicts (what the SQL tracker store would write)."""
        tracker = self._loop.run_until_complete(self.agent.tracker_store.retrieve(sender))
        return [event.as_dict() for event in tracker.events] if tracker else []

    def close(self) -> None:
        if not self._loop.is_closed():
            self._loop.close()
