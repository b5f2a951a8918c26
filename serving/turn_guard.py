"""Never leave a user without an answer when a back-end fails during a turn.

Rasa 3.6 swallows the exception of a failing custom action (action server down, timeout, 5xx):
``MessageProcessor._run_action`` logs it, drops the action's events and carries on, so the user
gets no reply at all. A failing lock store (Redis down) makes ``Agent.handle_message`` raise,
and the REST and Socket.IO channels then log it and answer nothing either. ``guard_turn`` wraps the callback an input channel hands each user message to,
and in both cases sends one polite French message with the phone numbers, through the channel
the user is on.

A failing tracker store is worse: Rasa wraps it in ``FailSafeTrackerStore``, which catches every
``Exception``, starts the conversation afresh in memory, answers out of context (measured: "artisan"
mid-form got the greeting for a new conversation) and never stores the turn. So inside a guarded
turn our tracker store raises ``TurnAborted`` instead (``abort_turn``), which is deliberately a
``BaseException`` so that the fail-safe wrapper lets it through; the guard then tells the user the
message was not handled. Outside a turn (HTTP API) Rasa's own behaviour is kept.

Seeing a swallowed action failure needs a probe: a logging filter on Rasa's processor logger
(Rasa logs it at ERROR, which no log level setting of `rasa run` hides) notes the failure in a per-turn list kept in a ``ContextVar``. Every channel runs one turn in
one asyncio task, and the list object itself is shared, so the probe and the guard meet even
if Rasa awaits in sub-tasks. Nothing else in Rasa is patched; the model and the dialogue stay
exactly as trained, and the next turn goes through normally as soon as the back-end is back.
"""
from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Any, Awaitable, Callable, Optional

from assistant.knowledge import load_yaml

logger = logging.getLogger(__name__)

# The logger and function where Rasa 3.6 catches a failing action (rasa/core/processor.py).
PROCESSOR_LOGGER = "rasa.core.processor"
RUN_ACTION_FUNCTION = "_run_action"

# The only home of this text. Phone numbers are facts: they come from knowledge/.
FAILURE_TEMPLATE = (
    "Désolé, un incident technique m'empêche de traiter votre message pour le moment. "
    "Merci de le renvoyer dans quelques minutes. Vous pouvez aussi appeler l'Urssaf au {urssaf} "
    "(cotisations), l'Assurance Maladie au {cpam} (santé, arrêts de travail) ou l'Assurance "
    "retraite au {retraite}."
)
NETWORKS_FILE = "agencies/reseaux.yml"


@lru_cache(maxsize=1)
def failure_message() -> str:
    networks = load_yaml(NETWORKS_FILE)["reseaux"]
    return FAILURE_TEMPLATE.format(urssaf=networks["urssaf"]["telephone"],
                                   cpam=networks["cpam"]["telephone"],
                                   retraite=networks["carsat"]["telephone"])


@dataclass
class TurnFailures:
    """What went wrong while one user message was handled (empty: nothing)."""
    actions: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.actions)


_current_turn: ContextVar[Optional[TurnFailures]] = ContextVar("current_turn", default=None)


class TurnAborted(BaseException):
    """A back-end failed in a way that must stop the turn (see the module docstring for why
    this is not an ``Exception``). Only ever raised inside ``guard_turn``, which catches it."""


def abort_turn(error: Exception) -> None:
    """Inside a guarded turn, stop it at once because of ``error``; elsewhere do nothing."""
    if _current_turn.get() is not None:
        raise TurnAborted(f"{type(error).__name__}: {error}") from error


class _ActionFailureProbe(logging.Filter):
    """Records, for the running turn, each action whose exception Rasa logged and swallowed."""

    def filter(self, record: logging.LogRecord) -> bool:
        turn = _current_turn.get()
        if turn is not None and record.exc_info and record.funcName == RUN_ACTION_FUNCTION:
            turn.actions.append(record.getMessage())
        return True  # only observes: the record is logged as usual


_probe = _ActionFailureProbe()


def install_probe() -> None:
    """Idempotent: attach the probe to Rasa's processor logger."""
    processor_logger = logging.getLogger(PROCESSOR_LOGGER)
    if _probe not in processor_logger.filters:
        processor_logger.addFilter(_probe)


OnNewMessage = Callable[[Any], Awaitable[Any]]


def guard_turn(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap an input channel's ``on_new_message`` so that a failed turn is always answered."""
    install_probe()

    @wraps(on_new_message)
    async def guarded(message: Any) -> Any:
        turn = TurnFailures()
        token = _current_turn.set(turn)
        try:
            result = await on_new_message(message)
        except (Exception, TurnAborted):  # the tracker store, the lock store or the agent failed
            logger.exception("turn of %s failed; the user is told to retry", message.sender_id)
            await _tell_user(message)
            return None
        finally:
            _current_turn.reset(token)
        if turn:
            logger.error("turn of %s: action(s) failed: %s", message.sender_id, turn.actions)
            await _tell_user(message)
        return result

    return guarded


async def _tell_user(message: Any) -> None:
    try:
        await message.output_channel.send_response(message.sender_id, {"text": failure_message()})
    except Exception:  # the user left (socket closed): nothing more we can do
        logger.exception("could not tell %s that the turn failed", message.sender_id)
