"""Intent accuracy on the held-out set, through the live server's parse endpoint."""
from assistant.nlu_data import heldout_examples
from scripts.evaluate_nlu import evaluate, format_report

# The target is 95 %; the floor below catches regressions without making one bad
# sentence fail CI. `make eval` prints the full report.
MIN_ACCURACY = 0.90


def test_heldout_intent_accuracy(stack):
    report = evaluate(stack.parse, heldout_examples())
    print(format_report(report, "held-out"))
    assert report.total >= 200
    assert report.accuracy >= MIN_ACCURACY, format_report(report, "held-out")
