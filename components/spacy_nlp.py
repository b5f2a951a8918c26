"""Rasa's SpacyNLP without the spaCy pipes nothing here reads.

Rasa loads `fr_core_news_md` minus its parser, so every message still runs the named-entity
recogniser: 2.2 of the 4.7 ms spaCy takes per message, for entities no component uses
(SpacyTokenizer keeps tokens, lemmas and POS; SpacyFeaturizer the word vectors; our entities
come from assistant/ parsers). The lemmatizer stays: CountVectorsFeaturizer counts lemmas, and
the French lemmatizer needs the morphologizer and its tok2vec.

The class keeps Rasa's name on purpose: SpacyTokenizer and SpacyFeaturizer find their model
provider by the class name "SpacyNLP" (`model_from`), so a differently named subclass would
leave them without a model. Registering it replaces Rasa's entry in the recipe registry of
the process that loads this module, which is what the config asks for.
"""
from __future__ import annotations

from typing import Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel

# Pipes of fr_core_news_md whose output no component of config.yml reads.
UNUSED_PIPES = ("parser", "ner")


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    def load_model(spacy_model_name: Text) -> SpacyModel:
        # Rasa's loader gives the missing-model and version messages; then drop the unused pipes.
        model = spacy_utils.SpacyNLP.load_model(spacy_model_name)
        for name in UNUSED_PIPES:
            if name in model.model.component_names:
                model.model.remove_pipe(name)
        return model
