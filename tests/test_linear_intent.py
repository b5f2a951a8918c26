"""The blend of DIET's ranking with the linear model's probabilities."""
import pytest

import numpy as np

from components.linear_intent import SENTENCE_VECTOR_COMPONENTS, SENTENCE_VECTOR_WEIGHT, _Model, blend, stems


def test_blend_weights_both_models():
    ranking = blend({"a": 0.8, "b": 0.2}, {"a": 0.1, "b": 0.9}, weight=0.5)
    assert ranking[0][0] == "b" and ranking[0][1] == pytest.approx(0.55)
    assert ranking[1] == ("a", pytest.approx(0.45))


def test_intent_missing_from_one_model_counts_as_zero():
    ranking = dict(blend({"a": 1.0}, {"b": 1.0}, weight=0.7))
    assert ranking == {"a": pytest.approx(0.7), "b": pytest.approx(0.3)}


def test_weight_one_is_the_linear_model_alone():
    assert blend({"a": 0.6, "b": 0.4}, {"b": 1.0}, weight=1.0)[0] == ("a", pytest.approx(0.6))


def test_linear_model_reads_accent_folded_ngrams():
    model = _Model(regularisation=30)
    model.fit(["carte vitale perdue", "carte vitale volée", "numéro de l'urssaf", "téléphone urssaf"],
              ["vitale", "vitale", "tel", "tel"])
    probabilities = model.probabilities("CARTE VITAL PERDU")
    assert max(probabilities, key=probabilities.get) == "vitale"
    assert sum(probabilities.values()) == pytest.approx(1.0)
    probabilities = model.probabilities("telephone de l urssaf")
    assert max(probabilities, key=probabilities.get) == "tel"


def test_fast_scorer_gives_scikit_learns_probabilities_also_after_a_pickle_round_trip():
    import pickle
    import tarfile

    from assistant.nlu_data import training_examples
    from tests.live_stack import MODEL

    with tarfile.open(MODEL) as archive:  # the model as trained: 90 intents, the real vocabulary
        name = next(n for n in archive.getnames() if n.endswith("/linear_intent.pkl"))
        model = pickle.loads(archive.extractfile(name).read()).ready_for_prediction()
    assert model.sentence.axes.shape == (300, SENTENCE_VECTOR_COMPONENTS), "trained with spaCy's sentence vectors"
    texts = [text for values in training_examples().values() for text in values]
    restored = pickle.loads(pickle.dumps(model)).ready_for_prediction()
    assert "_scorer" not in pickle.loads(pickle.dumps(model)).__dict__  # derived, not stored
    probes = texts[::37] + ["", "   ", "zzzz qqqq", "3698", "C KOI LE NUM URSSAF ??", "Été à l'hôpital — arrêt 🤒",
                            "a" * 3000, "attestation attestation attestation vigilance"]
    rng = np.random.default_rng(3)
    for i, text in enumerate(probes):
        vector = [None, np.zeros(300), rng.normal(size=300)][i % 3]
        rows = None if vector is None else vector.reshape(1, -1)
        expected = model.classifier.predict_proba(model._features([text], rows))[0]
        for scored in (model, restored):
            assert scored._scorer is not None
            got = scored.probabilities(text, vector)
            assert np.allclose([got[c] for c in model.classifier.classes_], expected, atol=1e-12, rtol=0)


def test_two_intents_fall_back_to_scikit_learn():
    """Binary logistic regression is a sigmoid of one row, not a softmax: the scorer stays out."""
    model = _Model(regularisation=30)
    model.fit(["carte vitale perdue", "carte vitale volée", "numéro urssaf", "numéro de l'urssaf"], ["a", "a", "b", "b"])
    assert model._scorer is None
    assert max(model.probabilities("vitale perdue"), key=model.probabilities("vitale perdue").get) == "a"


def test_stems_join_the_forms_of_a_word_and_fold_accents():
    assert stems("Déclarer")[0] == stems("déclaration")[0] == stems("DÉCLARÉE")[0] == "declar"
    assert stems("mes cotisations sociales") == ["me", "cotis", "social", "me cotis", "cotis social"]
    assert stems("") == [] and stems("🤒 !") == []


def test_a_form_of_a_word_never_seen_in_training_is_understood_through_its_stem():
    """Only "déclarer" and "radier" were seen; "déclaration" shares few character n-grams with them."""
    texts, intents = ["je veux déclarer", "comment déclarer", "je veux radier", "comment radier"], ["d", "d", "r", "r"]
    model = _Model(regularisation=30, min_df=1)
    model.fit(texts, intents)
    assert model.probabilities("déclaration")["d"] > 0.5
    without_stems = _Model(regularisation=30, min_df=1)
    without_stems.stems.analyzer = lambda text: ["_"]  # the same model, blind to stems
    without_stems.fit(texts, intents)
    assert model.probabilities("déclaration")["d"] > without_stems.probabilities("déclaration")["d"]


def test_sentence_vector_decides_when_the_words_are_unknown():
    """Same unknown word, three sentence vectors: each goes to the intent its vector is near."""
    rng = np.random.default_rng(0)
    centres = {name: rng.normal(size=8) for name in "abc"}
    texts = ["un deux", "trois quatre", "cinq six"] * 4
    intents = ["a", "b", "c", "c", "a", "b"] * 2  # the words say nothing about the intent
    vectors = np.array([centres[i] for i in intents]) + rng.normal(scale=0.1, size=(12, 8))
    model = _Model(regularisation=30)
    model.fit(texts, intents, vectors)
    assert model.sentence.size == 8 and model._scorer is not None  # fewer dimensions than components
    for name, centre in centres.items():
        probabilities = model.probabilities("zzz", centre)
        assert max(probabilities, key=probabilities.get) == name
    # No vector at prediction counts as a zero vector, never as an error.
    assert model.probabilities("zzz") == model.probabilities("zzz", np.zeros(8))


def test_sentence_vector_block_has_the_blend_weight_and_a_missing_vector_adds_nothing():
    rng = np.random.default_rng(1)
    model = _Model(regularisation=30)
    model.fit(["un deux", "trois quatre", "un deux", "trois quatre"], ["a", "b", "a", "b"], rng.normal(size=(4, 5)))
    block = model.sentence.block(np.vstack([rng.normal(size=5), np.zeros(5)]))
    assert np.linalg.norm(block[0]) == pytest.approx(SENTENCE_VECTOR_WEIGHT)
    assert not block[1].any()
