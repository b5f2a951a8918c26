"""Intent accuracy on the held-out set, through the live server's parse endpoint."""
from assistant.nlu_data import heldout_examples
from scripts.evaluate_nlu import evaluate, format_report

# The target is 95 %; measured on 2026-11-23 (DIET blended with the linear model,
# 4 200 training examples): 84 % top-1, 96 % in the top 3 that the "vouliez-vous dire"
# buttons show. The floor catches regressions; `make eval` prints the full report.
MIN_ACCURACY = 0.80


def test_heldout_intent_accuracy(stack):
    report = evaluate(stack.parse, heldout_examples())
    print(format_report(report, "held-out"))
    assert report.total >= 200
    assert report.accuracy >= MIN_ACCURACY, format_report(report, "held-out")
