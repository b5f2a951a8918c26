"""Check the action server's replies with a JSON-schema validator built once, not per call.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate`, which first
re-checks the *schema itself* against the Draft 2020-12 meta-schema on every custom-action
call. Profiled here (bench/PROFILE.md) that was a third of a whole turn: 125-147 ms per check
on the loaded 2-core machine against 2.5-6 ms with a prebuilt validator. Every FAQ answer and
every form turn goes through the action server, so the check is built once here, with the same
schema, the same accepted replies and the same `ValidationError` (and message) as Rasa's.

`install()` is called by the modules every server profile loads (the tracker store and the
input channels); re-check this patch when Rasa is upgraded (tests/test_action_replies.py).
"""
from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import ValidationError, exceptions, validators
from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction

RASA_CHECK = RemoteAction._validate_action_result  # Rasa's own, for bench/schema_validation_cost.py
_HINT = (". Failed to validate Action server response from API, make sure your response from the "
         f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions")


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every action call
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is not None:  # the error jsonschema.validate would raise, with Rasa's hint
        error.message += _HINT
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["install", "validate_action_result", "ValidationError"]
