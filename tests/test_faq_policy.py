"""FaqInFormPolicy decides only the two moments an FAQ question interrupts a form.

The conversation itself (answer, then the form asks again) is checked end to end in
tests/test_e2e_forms.py and tests/stories/test_interruptions.yml.
"""
import pytest
import yaml

from components.faq_policy import ANSWER_ACTION, next_action
from tests.live_stack import ROOT

LISTEN = "action_listen"


def test_rejected_form_and_faq_question_is_answered():
    assert next_action("ij_form", True, LISTEN, "faq_tel_urssaf") == ANSWER_ACTION


def test_after_the_answer_the_form_asks_again():
    assert next_action("agency_form", True, ANSWER_ACTION, "faq_tel_urssaf") == "agency_form"


@pytest.mark.parametrize("loop, rejected, latest, intent", [
    (None, False, LISTEN, "faq_tel_urssaf"),         # no form: RulePolicy's FAQ rule answers
    ("ij_form", False, LISTEN, "faq_tel_urssaf"),    # the form has not tried the message yet
    ("ij_form", True, LISTEN, "inform"),             # not an FAQ question
    ("ij_form", True, LISTEN, None),
    ("ij_form", False, "ij_form", "faq_tel_urssaf"),  # the form already asked: listen (RulePolicy)
    ("ij_form", True, "action_help", "help"),
])
def test_everything_else_is_left_to_the_other_policies(loop, rejected, latest, intent):
    assert next_action(loop, rejected, latest, intent) is None


def test_config_uses_it_and_rules_no_longer_repeat_it():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert "components.faq_policy.FaqInFormPolicy" in [p["name"] for p in config["policies"]]
    rules = yaml.safe_load((ROOT / "data" / "rules_faq.yml").read_text(encoding="utf-8"))["rules"]
    in_form_faq = [r for r in rules if r.get("condition") and ANSWER_ACTION in str(r["steps"])]
    assert in_form_faq == []
