"""Check the action server's replies with a JSON-schema validator built once, not per call.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate`, which first
re-checks the *schema itself* against the Draft 2020-12 meta-schema on every custom-action
call. Profiled here (bench/PROFILE.md) that was a third of a whole turn: 125-147 ms per check
on the loaded 2-core machine against 2.5-6 ms with a prebuilt validator. Every FAQ answer and
every form turn goes through the action server, so the check is built once here, with the same
schema, the same accepted replies and the same `ValidationError` (and message) as Rasa's.

Even prebuilt, jsonschema checks every event against all 23 branches of the schema's `oneOf`
(one per event type) to prove exactly one matches: 2 ms per reply, 3.4 % of a replica's CPU
under load (py-spy, bench/PROFILE.md, fourth pass). Each branch fixes `event` to a different
constant, so an event can only match the branch of its own type: checking it against that
branch (with the common properties) accepts exactly what the `oneOf` accepts. A reply this
quick check does not accept goes through the full jsonschema check, which decides and words
the error, so the shortcut can only save time, never reject differently.

`install()` is called by the modules every server profile loads (the tracker store and the
input channels); re-check this patch when Rasa is upgraded (tests/test_action_replies.py).
"""
from __future__ import annotations

import functools
from typing import Any, Dict, Optional, Text

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


@functools.lru_cache(maxsize=1)
def _event_checks() -> Optional[Dict[str, Any]]:
    """Validator per event type (common event properties + that type's branch), or None when
    the schema no longer has one `oneOf` branch per distinct `event` constant (Rasa upgrade)."""
    schema = RemoteAction.action_response_format_spec()
    try:
        items = schema["properties"]["events"]["items"]
        branches = items["oneOf"]
        types = [branch["properties"]["event"]["const"] for branch in branches]
        expected = {"type": "object", "properties": {"events": {"type": "array", "items": items},
                                                    "responses": {"type": "array", "items": {"type": "object"}}}}
    except (KeyError, TypeError):
        return None
    if schema != expected or len(set(types)) != len(types):
        return None
    common = {key: value for key, value in items.items() if key != "oneOf"}
    cls = validators.validator_for(schema)
    return {name: cls({"allOf": [common, branch]}) for name, branch in zip(types, branches)}


def _quickly_accepted(result: Any) -> bool:
    checks = _event_checks()
    if checks is None or not isinstance(result, dict):
        return False
    events, responses = result.get("events", []), result.get("responses", [])
    if not isinstance(events, list) or not isinstance(responses, list):
        return False
    if not all(isinstance(response, dict) for response in responses):
        return False
    for event in events:
        kind = event.get("event") if isinstance(event, dict) else None
        check = checks.get(kind) if isinstance(kind, str) else None
        if check is None or not check.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if _quickly_accepted(result):
        return True
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is not None:  # the error jsonschema.validate would raise, with Rasa's hint
        error.message += _HINT
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["install", "validate_action_result", "ValidationError"]
