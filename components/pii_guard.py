"""Mask personal data before NLU and route such messages to a warning.

Two pipeline steps share ``assistant.pii``: ``PiiMasker`` goes first, so neither the
classifier nor ``tracker.latest_message`` ever sees the raw value; ``PersonalDataRouter``
goes last (after the FallbackClassifier) and forces the ``donnees_personnelles`` intent,
keeping what the user asked in ``pii_original_intent`` so the warning can still answer it.
"""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stateless import StatelessComponent

from assistant.pii import mask_pii

PII_KEY = "pii"
ORIGINAL_INTENT_KEY = "pii_original_intent"
PII_INTENT = "donnees_personnelles"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class PiiMasker(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            masked, kinds = mask_pii(text)
            if kinds:
                message.set(TEXT, masked)
                message.set(PII_KEY, sorted({kind.value for kind in kinds}), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PersonalDataRouter(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not message.get(PII_KEY):
                continue
            original = message.get(INTENT) or {}
            message.set(ORIGINAL_INTENT_KEY, original, add_to_output=True)
            message.set(INTENT, {INTENT_NAME_KEY: PII_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        return messages
