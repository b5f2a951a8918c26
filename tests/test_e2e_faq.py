"""Every FAQ entry reaches the user with its key facts, through the real servers.

The question is the entry's first training example: this test checks the chain intent ->
rule -> action -> knowledge; how well unseen wordings are classified is measured on the
held-out set by tests/test_nlu_heldout.py and `make eval`.
"""
import pytest

from assistant import faq
from assistant.nlu_data import training_examples
from assistant.text import fold
from tests.live_stack import reply_text

TRAINING = training_examples()
ENTRIES = faq.all_entries()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_faq_entry_reaches_the_user(stack, sender, entry):
    """The question gets the entry's key facts, or a button that leads to them."""
    question = TRAINING[entry.intent][0]
    messages = stack.say(sender, question)
    text = reply_text(messages)
    offered = [b for m in messages for b in m.get("buttons") or [] if b.get("payload") == "/" + entry.intent]
    if offered:  # the bot hesitated and asked; the user clicks the right button
        text = reply_text(stack.say(sender, offered[0]["payload"]))
    for fact in entry.key_facts:
        assert fold(fact) in fold(text), f"{entry.id}: {question!r} -> {text[:300]!r}"


def test_typo_heavy_question_still_answered(stack, sender):
    text = reply_text(stack.say(sender, "ou je trouve mon atestation de vigilence urssaff"))
    assert "vigilance" in fold(text)
