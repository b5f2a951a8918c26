"""The assistant, in this process, for the support tools.

Why in-process (``rasa.core.agent.Agent``) rather than the HTTP API of a running server:
the shell needs the full NLU result of every turn (intent ranking, what our components
added) and every event the turn produced, in order. The agent's tracker store gives exactly
that with no server to configure, no API token, no port for Rasa and no conversation
left in the production tracker database. Custom actions still run in the real action
server (``rasa run actions``), which the shell starts on a free port, in its own process
group, and stops on exit; ``--actions-url`` points to one already running instead.
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "assistant.tar.gz"
ACTIONS_LOG = ROOT / "var" / "log" / "support-actions.log"

# Quiet before Rasa and TensorFlow are imported: the support team reads the turns, not logs.
for _name, _value in (("RASA_TELEMETRY_ENABLED", "false"), ("TF_CPP_MIN_LOG_LEVEL", "3"),
                      ("SQLALCHEMY_SILENCE_UBER_WARNING", "1"), ("LOG_LEVEL", "ERROR")):
    os.environ.setdefault(_name, _value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ActionServer:
    """``rasa run actions`` in its own process group, so stopping it stops its children."""

    def __init__(self, port: Optional[int] = None, log_path: Path = ACTIONS_LOG) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self) -> "ActionServer":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "rasa", "run", "actions", "--port", str(self.port), "--actions", "actions"],
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"le serveur d'actions s'est arrêté, voir {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=3):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        raise RuntimeError(f"serveur d'actions pas prêt après {timeout:.0f} s, voir {self.log_path}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


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
