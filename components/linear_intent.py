"""A second opinion for DIET: logistic regression on TF-IDF n-grams, blended with DIET's ranking.

On new wordings of the FAQ questions (tests/heldout) DIET alone generalises worse than a plain
linear model on word and character n-grams of the accent-folded text (measured with `make
eval`). The two err on different questions, so the blend of their probabilities is kept
instead of either one. The blended confidence is what the FallbackClassifier after this step
judges.

The linear model reads four blocks, each one for a kind of new wording the others miss:
- character 2-5 grams: typos and inflections inside a word ("cotisassions");
- words and word pairs: the exact cues ("vitale", "3698", "médiateur");
- Snowball stems and stem pairs: the same word in another form ("déclarer" / "déclaration" /
  "déclaré" all give "declar"), which character n-grams only partly share;
- spaCy's sentence vector (the mean word vector SpacyFeaturizer already computed): synonyms
  that share few letters with the words of the training examples ("somme" near "montant",
  "bébé" near "enfant").
N-grams seen in a single training example are dropped (min_df 2): they cannot generalise,
and without them the fit is fast enough for the stems and vectors to fit in the 5-minute
training (bench/PROFILE.md, sixth pass).
"""
from __future__ import annotations

import functools
import pickle
import re
import warnings
from collections import Counter
from typing import Any, Dict, List, Optional, Text

import numpy as np
import snowballstemmer
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from assistant.text import fold

_FILE = "linear_intent.pkl"
# The n-gram blocks are unit vectors (TF-IDF, L2); the sentence vector is normalised too and
# counts half as much as one of them: on 10 % of the training data held out, 0.5 did better
# than 1.0 or no vector at all. It enters through its 64 principal components: with the 300
# dimensions the vectors alone were 58 % of the non-zero inputs and made the fit slower, for no
# better accuracy (bench/PROFILE.md, sixth pass).
SENTENCE_VECTOR_WEIGHT = 0.5
SENTENCE_VECTOR_COMPONENTS = 64
_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
_STEMMER = snowballstemmer.stemmer("french")


def stems(text: str) -> List[str]:
    """Accent-folded French stems of the words, and of each pair of neighbouring words.

    Stemmed before folding: the Snowball rules read accents ("déclarée" -> "déclar"), which is
    why assistant.text.words, which folds first, is not the tokeniser here.
    A module-level function, so that the pickled vectoriser refers to it by name.
    """
    words = [_stem(word) for word in _WORD.findall(text.lower())]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball's Python stemmer takes ~80 µs a word here; the same words come back in every message."""
    return fold(_STEMMER.stemWord(word))


def unit_rows(rows: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1; a zero row (no word with a vector) stays zero."""
    rows = np.asarray(rows, dtype=np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


class _SentenceVectors:
    """The sentence vectors as the model's last feature block: principal components, unit length."""

    def __init__(self, vectors: np.ndarray) -> None:
        rows = unit_rows(vectors)
        self.mean = rows.mean(axis=0)
        _, _, directions = np.linalg.svd(rows - self.mean, full_matrices=False)
        self.axes = np.ascontiguousarray(directions[:SENTENCE_VECTOR_COMPONENTS].T)

    @property
    def size(self) -> int:
        return self.axes.shape[1]

    def block(self, vectors: np.ndarray) -> np.ndarray:
        rows = unit_rows(vectors)
        known = rows.any(axis=1, keepdims=True)  # unit rows are zero only where no word had a vector
        # einsum, not `@`: see _Scorer.probabilities (OpenBLAS threads).
        projected = np.einsum("ij,jk->ik", rows - self.mean, self.axes)
        return unit_rows(np.where(known, projected, 0.0)) * SENTENCE_VECTOR_WEIGHT


class _Model:
    """Vectorisers and classifier, pickled together so they always match."""

    def __init__(self, regularisation: float, iterations: int = 3000, min_df: int = 2) -> None:
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, preprocessor=fold,
                                     min_df=min_df)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, preprocessor=fold,
                                     min_df=min_df)
        self.stems = TfidfVectorizer(analyzer=stems, sublinear_tf=True, min_df=min_df)
        self.sentence: Optional[_SentenceVectors] = None  # set by fit when it is given vectors
        self.classifier = LogisticRegression(C=regularisation, max_iter=iterations, random_state=2020)

    @property
    def vectorisers(self) -> List[TfidfVectorizer]:
        return [self.chars, self.words, self.stems]

    def _features(self, texts: List[str], vectors: Optional[np.ndarray] = None, fit: bool = False):
        blocks = [v.fit_transform(texts) if fit else v.transform(texts) for v in self.vectorisers]
        if self.sentence is not None:
            if vectors is None:
                vectors = np.zeros((len(texts), self.sentence.axes.shape[0]))
            blocks.append(csr_matrix(self.sentence.block(vectors)))
        return hstack(blocks).tocsr()

    def fit(self, texts: List[str], intents: List[str], vectors: Optional[np.ndarray] = None) -> None:
        self.sentence = None if vectors is None else _SentenceVectors(vectors)
        with warnings.catch_warnings():
            # A capped number of L-BFGS iterations is a choice (see LinearIntentBlender), not a
            # failure: scikit-learn's "failed to converge" warning would only alarm the reader.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.classifier.fit(self._features(texts, vectors, fit=True), intents)
        self.ready_for_prediction()

    def ready_for_prediction(self) -> "_Model":
        """Build the scorer used for prediction (not pickled: derived from what is)."""
        self._scorer = _Scorer(self) if _Scorer.applies_to(self.classifier) else None
        return self

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_scorer", None)
        return state

    def probabilities(self, text: str, vector: Optional[np.ndarray] = None) -> Dict[str, float]:
        """Probability of each intent; `vector` is the message's sentence vector, if the model has one."""
        scorer = getattr(self, "_scorer", None)
        if scorer is not None:
            row = scorer.probabilities(text, vector)
        else:
            vectors = None if vector is None else np.reshape(vector, (1, -1))
            row = self.classifier.predict_proba(self._features([text], vectors))[0]
        return dict(zip(self.classifier.classes_, row.tolist()))


class _Scorer:
    """scikit-learn's transform + predict_proba for one message, without their overhead.

    For one short message, TfidfVectorizer.transform (twice), the sparse hstack and the input
    checks of predict_proba took 1.3 ms of the model's 1.4 ms; a replica spent ~8 % of its CPU
    there under load (py-spy, bench/PROFILE.md, fourth pass). The same arithmetic on the few
    n-grams present: sublinear tf (1 + log count) times idf, L2-normalised per vectoriser, dot
    the weight rows of those n-grams, softmax of the multinomial model: 0.15 ms, same
    probabilities (tests/test_linear_intent.py compares them with scikit-learn's).
    """

    def __init__(self, model: _Model) -> None:
        self._parts = []
        offset = 0
        for vectoriser in model.vectorisers:
            self._parts.append((vectoriser.build_analyzer(), vectoriser.vocabulary_, vectoriser.idf_, offset))
            offset += len(vectoriser.vocabulary_)
        self._weights = np.ascontiguousarray(model.classifier.coef_.T)  # one row per feature
        self._sentence = model.sentence
        self._intercept = model.classifier.intercept_
        if model.sentence is not None:
            self._sentence_weights = self._weights[offset:offset + model.sentence.size]  # the last rows

    @staticmethod
    def applies_to(classifier: LogisticRegression) -> bool:
        """Softmax of one row per class: the multinomial case (more than two intents)."""
        return len(classifier.classes_) > 2 and classifier.coef_.shape[0] == len(classifier.classes_)

    def probabilities(self, text: str, vector: Optional[np.ndarray] = None) -> np.ndarray:
        scores = self._intercept.copy()
        if self._sentence is not None and vector is not None:
            block = self._sentence.block(np.reshape(vector, (1, -1)))[0]
            scores += np.einsum("i,ij->j", block, self._sentence_weights)
        for analyse, vocabulary, idf, offset in self._parts:
            counts = Counter(i for i in map(vocabulary.get, analyse(text)) if i is not None)
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            values = np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0
            values *= idf[columns]
            # einsum, not `@`: a matrix product goes to OpenBLAS, whose worker threads then spin
            # on the cores the other replica needs.
            values /= np.sqrt(np.einsum("i,i->", values, values))
            scores += np.einsum("i,ij->j", values, self._weights[columns + offset])
        scores -= scores.max()
        np.exp(scores, out=scores)
        return scores / scores.sum()


def sentence_vector(message: Message) -> Optional[np.ndarray]:
    """The dense sentence features an earlier featurizer set (SpacyFeaturizer: mean word vector)."""
    _, sentence = message.get_dense_features(TEXT)
    return None if sentence is None else np.ravel(sentence.features)


def blend(linear: Dict[str, float], diet: Dict[str, float], weight: float) -> List[tuple[str, float]]:
    """Weighted mean of both distributions, best first; an intent one model omits counts as 0."""
    names = set(linear) | set(diet)
    scores = {n: weight * linear.get(n, 0.0) + (1 - weight) * diet.get(n, 0.0) for n in names}
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentBlender(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # weight: share of the linear model in the blend; C: inverse L2 strength (high: the
        # examples are short and few per intent, so little regularisation is needed).
        # iterations: L-BFGS steps. With 11 500 examples a converged fit (~150 iterations) took
        # 150 s of a training that must stay under 5 minutes; on 10 % of the training data held
        # out, 60 steps scored 90.3 % against 90.4 % for 100 and the training set is fitted
        # exactly either way (bench/PROFILE.md, fifth pass).
        return {"weight": 0.5, "C": 30.0, "iterations": 60, "ranking_length": 10}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "snowballstemmer"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[_Model] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentBlender":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentBlender":
        try:
            with model_storage.read_from(resource) as directory:
                model = pickle.loads((directory / _FILE).read_bytes()).ready_for_prediction()
        except (ValueError, FileNotFoundError):
            model = None
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        vectors = [sentence_vector(m) for m in examples]
        model = _Model(float(self.config["C"]), int(self.config["iterations"]))
        model.fit([m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples],
                  None if any(v is None for v in vectors) else np.vstack(vectors))
        self._model = model
        with self._storage.write_to(self._resource) as directory:
            (directory / _FILE).write_bytes(pickle.dumps(model))
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not text or not text.strip():
                continue
            diet = {item[INTENT_NAME_KEY]: float(item[PREDICTED_CONFIDENCE_KEY])
                    for item in message.get(INTENT_RANKING_KEY) or []}
            linear = self._model.probabilities(text, sentence_vector(message))
            ranking = blend(linear, diet, float(self.config["weight"]))
            ranking = ranking[: int(self.config["ranking_length"])]
            best, confidence = ranking[0]
            message.set(INTENT, {INTENT_NAME_KEY: best, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY,
                        [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: c} for n, c in ranking], add_to_output=True)
        return messages
