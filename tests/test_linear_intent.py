"""The blend of DIET's ranking with the linear model's probabilities."""
import pytest

from components.linear_intent import _Model, blend


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

    import numpy as np

    import tarfile

    from assistant.nlu_data import training_examples
    from tests.live_stack import MODEL

    with tarfile.open(MODEL) as archive:  # the model as trained: 90 intents, the real vocabulary
        name = next(n for n in archive.getnames() if n.endswith("/linear_intent.pkl"))
        model = pickle.loads(archive.extractfile(name).read()).ready_for_prediction()
    texts = [text for values in training_examples().values() for text in values]
    restored = pickle.loads(pickle.dumps(model)).ready_for_prediction()
    assert "_scorer" not in pickle.loads(pickle.dumps(model)).__dict__  # derived, not stored
    probes = texts[::37] + ["", "   ", "zzzz qqqq", "3698", "C KOI LE NUM URSSAF ??", "Été à l'hôpital — arrêt 🤒",
                            "a" * 3000, "attestation attestation attestation vigilance"]
    for text in probes:
        expected = model.classifier.predict_proba(model._features([text]))[0]
        for scored in (model, restored):
            assert scored._scorer is not None
            got = scored.probabilities(text)
            assert np.allclose([got[c] for c in model.classifier.classes_], expected, atol=1e-12, rtol=0)


def test_two_intents_fall_back_to_scikit_learn():
    """Binary logistic regression is a sigmoid of one row, not a softmax: the scorer stays out."""
    model = _Model(regularisation=30)
    model.fit(["carte vitale perdue", "numéro urssaf"], ["a", "b"])
    assert model._scorer is None
    assert max(model.probabilities("vitale perdue"), key=model.probabilities("vitale perdue").get) == "a"
