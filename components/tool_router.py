"""Send a question that names a place or an income to the tool that can use it.

"je suis plombier a Marseile quelle est ma carsat" or "quelle urssaf pour un commerçant dans
le 93 ?" mix a status, a place and an organisme: DIET spreads its confidence between
ask_agency, inform and a few FAQ entries and the bot would ask "vouliez-vous dire…". The
parsers of assistant/ already understand the place and the income, so when the classifier is
unsure (inform, fallback, or a tool among its top three) and the text carries what a tool
needs, the intent is set to that tool. Confident FAQ predictions are never touched.

The other way round, a message that is nothing but such a value ("sage-femme libérale", "une
semaine d'arrêt", assistant.bare_answers) asks for nothing: it goes to `inform`, whatever the
classifier read into its words, and the bot takes note and asks what the user wants.
"""
from __future__ import annotations

from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.agency.places import parse_place
from assistant.agency.themes import parse_theme
from assistant.bare_answers import is_bare_answer
from assistant.ij.amounts import AmountError, parse_incomes
from assistant.statuses import parse_status
from assistant.text import fold, is_button_payload
from components.stateless import StatelessComponent

AGENCY, IJ, INFORM = "ask_agency", "ask_ij", "inform"
UNSURE = {"inform", "nlu_fallback"}
CONFIDENT = 0.7  # above this the classifier's own choice stands
ROUTED_KEY = "routed_from"
# Words that, with a place, make a question about which organisme or agency to contact.
_AGENCY_WORDS = ("agence", "caisse", "organisme", "depend", "rattache", "urssaf", "cpam", "carsat", "cnav", "cgss")
# Words that, with an amount, make a question about sickness allowances.
_IJ_WORDS = ("arret", "malad", "indemnit", "ij", "par jour", "touche", "toucherai")


def _top_intents(message: Message, count: int = 3) -> list[str]:
    ranking = message.get(INTENT_RANKING_KEY) or []
    return [item.get(INTENT_NAME_KEY) for item in ranking if item.get(INTENT_NAME_KEY) != "nlu_fallback"][:count]


def route(text: str, intent: Optional[str], confidence: float, top: list[str]) -> Optional[str]:
    """The tool intent (or `inform`) the message should go to, or None to keep the classifier's choice."""
    if is_button_payload(text):
        return None
    tool = _tool(text, intent, confidence, top)
    if tool is None and intent != INFORM and is_bare_answer(text):
        return INFORM
    return tool


def _tool(text: str, intent: Optional[str], confidence: float, top: list[str]) -> Optional[str]:
    unsure = intent in UNSURE or intent in (AGENCY, IJ) or (
        bool({AGENCY, IJ} & set(top)) and confidence < CONFIDENT)
    if not unsure:
        return None
    folded = fold(text)
    place = parse_place(text)
    has_place = place.resolved or place.ambiguous
    if has_place and (parse_theme(text) or any(w in folded for w in _AGENCY_WORDS)
                      or (intent in UNSURE and parse_status(text))):
        return AGENCY
    try:
        has_amount = bool(parse_incomes(text))
    except AmountError:
        has_amount = False
    if has_amount and (any(w in folded for w in _IJ_WORDS) or (intent in UNSURE and parse_status(text))):
        return IJ
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ToolIntentRouter(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            predicted = message.get(INTENT) or {}
            current = predicted.get(INTENT_NAME_KEY)
            target = route(text, current, predicted.get(PREDICTED_CONFIDENCE_KEY) or 0.0, _top_intents(message))
            if target and target != current:
                message.set(ROUTED_KEY, current, add_to_output=True)
                message.set(INTENT, {INTENT_NAME_KEY: target, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        return messages
