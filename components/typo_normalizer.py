"""Pipeline step that fixes misspelled domain words before tokenisation (see assistant.typos).

Set ``ASSISTANT_TYPO_NORMALIZER=off`` in the server's environment to bypass it at
prediction time: ``make eval`` uses that to measure what it gains on the typo test set.
"""
from __future__ import annotations

import os
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stateless import StatelessComponent

from assistant.text import is_button_payload
from assistant.typos import normalise

CORRECTIONS_KEY = "typo_corrections"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TypoNormalizer(StatelessComponent):
    def _normalise(self, message: Message, output: bool) -> None:
        text = message.get(TEXT)
        if not text or is_button_payload(text):
            return
        fixed, corrections = normalise(text)
        if corrections:
            message.set(TEXT, fixed)
            if output:
                message.set(CORRECTIONS_KEY, [[c.original, c.corrected] for c in corrections], add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        if os.environ.get("ASSISTANT_TYPO_NORMALIZER", "on").lower() in {"off", "0", "false"}:
            return messages
        for message in messages:
            self._normalise(message, output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalise(message, output=False)
        return training_data
