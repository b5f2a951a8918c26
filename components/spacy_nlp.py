"""Rasa's SpacyNLP reduced to what the pipeline reads: spaCy's tokenizer and word vectors.

Rasa loads `fr_core_news_md` minus its parser, so every message still ran tok2vec, the
morphologizer, the attribute ruler, the lemmatizer and the named-entity recogniser: 3.4 ms
of CPU per message, 13-14 % of a replica's CPU under load (py-spy, bench/PROFILE.md, fourth
pass), for outputs nothing needs. SpacyFeaturizer reads the static word vectors, which live in
the vocabulary and are identical without those pipes; both CountVectorsFeaturizers count words
(`use_lemma: false` in config.yml), not lemmas; nothing reads POS tags or spaCy entities (ours
come from assistant/ parsers). What is left is the tokenizer: 0.02 ms per message.

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

# Pipes of fr_core_news_md whose output no component of config.yml reads: all of them (the
# tokenizer is not a pipe, the vectors belong to the vocabulary).
UNUSED_PIPES = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner")


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
