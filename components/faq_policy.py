"""Answer an FAQ question asked in the middle of a form, then let the form ask again.

Why a policy and not rules: the same behaviour written as rules needs one "FAQ interrupts
<form>" rule per form listing every FAQ intent; Rasa expands such an `or` rule into one rule
per intent, and those 444 rule states (of 694) were scanned by RulePolicy twice per
prediction, about 3 ms of a 40 ms turn (bench/PROFILE.md). Here the decision is a prefix test.

The policy only speaks in two moments of an active form, the same two the rules covered:
- the form could not use the message (it rejected it) and the message is an FAQ question:
  answer it with the knowledge-base action;
- that answer was just given: run the form again, which repeats its pending question.
Everything else (FAQ outside forms, other interruptions, the forms themselves) stays with
RulePolicy. Its priority is above RulePolicy's so that the rule "FAQ answer, then listen",
which also matches inside a form, does not end the turn before the form asks again.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.faq import INTENT_PREFIX

ANSWER_ACTION = "action_answer_faq"


def next_action(active_loop: Optional[str], loop_rejected: bool, latest_action: Optional[str],
                intent: Optional[str], answer_action: str = ANSWER_ACTION) -> Optional[str]:
    """The action to run next, or None when the decision belongs to the other policies."""
    if not active_loop or not intent or not intent.startswith(INTENT_PREFIX):
        return None
    if latest_action == ACTION_LISTEN_NAME and loop_rejected:
        return answer_action
    if latest_action == answer_action:
        return active_loop
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class FaqInFormPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # RulePolicy is 6; see the module docstring for why this one must win a tie.
        return {"priority": 7, "answer_action": ANSWER_ACTION}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, featurizer: Any = None) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.answer_action = config.get("answer_action", ANSWER_ACTION)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn; the action must exist, or the first FAQ question in a form would fail."""
        if self.answer_action not in domain.action_names_or_texts:
            raise ValueError(f"FaqInFormPolicy: action '{self.answer_action}' is not in the domain")
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        action = next_action(tracker.active_loop_name, tracker.is_active_loop_rejected,
                             tracker.latest_action_name, tracker.latest_message.intent.get("name"),
                             self.answer_action)
        probabilities = self._default_predictions(domain)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)
