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


def test_weights_are_column_major_after_fit_and_after_a_pickle_round_trip():
    import pickle

    model = _Model(regularisation=30)
    model.fit(["carte vitale perdue", "numéro urssaf", "attestation vigilance"], ["a", "b", "c"])
    assert model.classifier.coef_.flags["F_CONTIGUOUS"]
    model.classifier.coef_ = model.classifier.coef_.copy(order="C")  # as an older pickle holds it
    restored = pickle.loads(pickle.dumps(model)).ready_for_prediction()
    assert restored.classifier.coef_.flags["F_CONTIGUOUS"]
    assert max(restored.probabilities("vitale perdue"), key=restored.probabilities("vitale perdue").get) == "a"
