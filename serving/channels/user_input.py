"""What a user types on a public channel must never force an intent.

Rasa reads any message starting with "/" as `/intent{"entity": ...}` and skips the NLU:
on Telegram or Slack anybody could then trigger any intent with any slot value. Button
payloads the bot sent go through unchanged (the connectors check they are ours); typed text
loses its leading slash and goes through the NLU like any sentence.

The check looks through what serving/input_guard.py removes or normalises afterwards
(invisible characters, spaces, NFKC: the full-width "／" becomes "/"), otherwise
"\u200b/intent" or "／intent" would become "/intent" once cleaned.
"""
from __future__ import annotations

import re
import unicodedata

# Telegram's own commands: every client shows /start when a chat opens; /help is conventional.
COMMAND_WORDS = {"start": "bonjour", "help": "aide", "aide": "aide"}
_COMMAND = re.compile(r"^(?P<word>[A-Za-z0-9_]+)(?:@\w+)?(?P<rest>.*)$", re.DOTALL)
_INVISIBLE = {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"}


def _is_slash(char: str) -> bool:
    normalised = unicodedata.normalize("NFKC", char)
    return bool(normalised) and set(normalised) == {"/"}


def _is_blank(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE or not unicodedata.normalize("NFKC", char).strip()


def neutralise_command(text: str) -> str:
    """Typed text with no leading "/" left: Telegram commands become words the NLU knows."""
    text = text or ""
    start, slashed = 0, False
    while start < len(text) and (_is_blank(text[start]) or _is_slash(text[start])):
        slashed = slashed or _is_slash(text[start])
        start += 1
    if not slashed:
        return text.strip()
    rest = text[start:].strip()
    match = _COMMAND.match(rest)
    if not match:
        return rest
    word = match.group("word")
    return f"{COMMAND_WORDS.get(word.lower(), word)} {match.group('rest').strip()}".strip()


# Photos, documents, voice messages…: the assistant reads text only. Without an answer the
# user would wait for nothing, and a photo of a carte Vitale or an attestation is personal
# data they should not be sending here. The only home of these texts (Telegram and Slack).
ATTACHMENT_NOT_READ = (
    "Je ne lis que les messages écrits : je ne peux ouvrir ni les photos, ni les documents, ni "
    "les messages vocaux. Écrivez-moi votre question en quelques mots. Et n'envoyez pas ici de "
    "document avec vos données personnelles (carte Vitale, attestation, RIB…) : je n'en ai pas "
    "besoin pour vous répondre."
)
ATTACHMENT_WITH_TEXT = "Je ne peux pas ouvrir la pièce jointe : je réponds seulement à votre texte."
