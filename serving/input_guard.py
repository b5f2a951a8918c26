"""Clean what a user typed before the assistant reads it or stores it.

Every input channel (REST, Socket.IO, Telegram, Slack…) passes the raw text through
``sanitise`` before the message reaches the model and the tracker store. It never refuses a
message: whatever arrives, the user gets an answer.

- Anything that is not a string (``null``, a number, a list sent by a buggy client) becomes
  text or the empty message, instead of crashing ``UserMessage`` and losing the turn.
- Control characters, invisible format characters (bidi overrides, zero-width spaces, BOM),
  lone surrogates and Unicode noncharacters are dropped. A lone surrogate (``"\\ud800"`` in
  JSON) cannot be encoded to UTF-8: with Rasa 3.6 the SQL tracker store then fails and the
  user gets no reply at all (measured). Control characters would otherwise be stored as is.
- NFKC normalisation: French typography pastes narrow no-break spaces ("42 000 €"),
  ligatures and full-width digits; NFKC turns them into what the NLU and the amount / PII
  parsers were written for. Runs of whitespace become one space.
- At most ``MAX_CHARS`` characters are kept, and the user is told so (``TOO_LONG_MESSAGE``).

Why 1 000 characters: the longest question in the training and held-out data is 112
characters, and a real question, even with context, fits in a few sentences. The NLU cost
grows with the length: a 20 000-character message took 10 s of CPU on the shared server
(spaCy + DIET), during which the other users' turns wait. 1 000 characters (about 150
words) is ten times the longest real question and is processed as fast as a normal one.
The cut never splits a word if it can help it, and never splits a piece of personal data:
a half NIR would no longer be recognised, hence no longer masked, and would be stored.

No Rasa import here: the connectors call ``sanitise`` or wrap their callback with
``guard_input`` whatever framework they are built on.
"""
from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import wraps
from typing import Any, Awaitable, Callable

from assistant.pii import find_pii

logger = logging.getLogger(__name__)

MAX_CHARS = 1000
# A word cut at the limit is dropped when it starts at most this far before the limit.
_WORD_BACKOFF = 100
# The only home of this text.
TOO_LONG_MESSAGE = (
    "Votre message est trop long : je n'en ai lu que le début (les {limit} premiers "
    "caractères environ). Pour une réponse précise, posez une seule question, en quelques "
    "phrases."
)
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs"}  # control, format (invisible), lone surrogates


@dataclass(frozen=True)
class GuardedText:
    """The text the assistant will process, and what was changed to get it."""

    text: str
    original_length: int
    truncated: bool = False
    removed_chars: int = 0  # control / invisible / surrogate / noncharacters dropped
    not_text: bool = False  # the client sent no string (null, a number, a list…)

    @property
    def changed(self) -> bool:
        return self.truncated or self.removed_chars > 0 or self.not_text

    def summary(self) -> str:
        """What was changed, without the text itself (it may hold personal data): for logs."""
        parts = [f"length {self.original_length} -> {len(self.text)}"]
        if self.truncated:
            parts.append("truncated")
        if self.removed_chars:
            parts.append(f"{self.removed_chars} control/invisible chars removed")
        if self.not_text:
            parts.append("not a string")
        return ", ".join(parts)


def coerce_text(raw: Any) -> str:
    """The text of a message field, whatever JSON value the client put there."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw)  # an amount sent as a JSON number still means something
    return ""


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _drop_invisible(text: str) -> tuple[str, int]:
    kept: list[str] = []
    removed = 0
    for char in text:
        if char in "\t\n\r\v\f":
            kept.append(" ")
        elif unicodedata.category(char) in _DROPPED_CATEGORIES or _is_noncharacter(char):
            removed += 1
        else:
            kept.append(char)
    return "".join(kept), removed


def _cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` (longer than ``limit``): not inside a word or a piece of PII."""
    cut = limit
    if not text[cut].isspace() and not text[cut - 1].isspace():
        space = text.rfind(" ", 0, cut)
        if space >= cut - _WORD_BACKOFF:
            cut = space
    for found in find_pii(text):
        if found.start < cut < found.end:
            cut = found.start
    return cut


def sanitise(raw: Any, limit: int = MAX_CHARS) -> GuardedText:
    """Clean one user message (see the module docstring for what and why)."""
    not_text = not isinstance(raw, str)
    text = coerce_text(raw)
    original_length = len(text)
    text, removed = _drop_invisible(text)
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    truncated = len(text) > limit
    if truncated:
        text = text[: _cut_point(text, limit)].rstrip()
    return GuardedText(text=text, original_length=original_length, truncated=truncated,
                       removed_chars=removed, not_text=not_text and raw is not None)


def too_long_message(limit: int = MAX_CHARS) -> str:
    return TOO_LONG_MESSAGE.format(limit=f"{limit:,}".replace(",", "\u00a0"))


OnNewMessage = Callable[[Any], Awaitable[Any]]


def guard_input(on_new_message: OnNewMessage) -> OnNewMessage:
    """Wrap an input channel's ``on_new_message``: each ``UserMessage`` is sanitised first.

    The message object is only read through ``text``, ``sender_id`` and ``output_channel``
    (Rasa's ``UserMessage``), so any connector can use it.
    """

    @wraps(on_new_message)
    async def guarded(message: Any) -> Any:
        result = sanitise(message.text)
        message.text = result.text
        if result.changed:
            logger.info("message from %s cleaned: %s", message.sender_id, result.summary())
        if result.truncated:
            await message.output_channel.send_response(message.sender_id, {"text": too_long_message()})
        return await on_new_message(message)

    return guarded
