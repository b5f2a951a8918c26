"""Cost of Rasa's check of an action server reply, as Rasa 3.6 does it and with a validator
built once (the fix suggested in bench/PROFILE.md). Both must accept and reject the same
replies with the same error.

    .venv/bin/python -m bench.schema_validation_cost
"""
from __future__ import annotations

import functools
import time
from typing import Any, Callable

from jsonschema import ValidationError, exceptions, validators
from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction

GOOD = {"events": [{"event": "slot", "name": "statut", "value": "artisan", "timestamp": None},
                   {"event": "active_loop", "name": "ij_form"}],
        "responses": [{"text": "Quel est votre revenu ?", "buttons": [{"title": "a", "payload": "b"}]}]}
BAD = {"events": [{"event": "slot", "name": 3}], "responses": "x"}


@functools.lru_cache(maxsize=1)
def _reply_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every action call
    return cls(schema)


def validate_once_built(self: RemoteAction, result: dict) -> bool:
    try:
        error = exceptions.best_match(_reply_validator().iter_errors(result))
        if error:  # the error jsonschema.validate would raise
            raise error
        return True
    except ValidationError as e:
        e.message += (". Failed to validate Action server response from API, make sure your "
                      "response from the Action endpoint is valid. For more information about "
                      f"the format visit {DOCS_BASE_URL}/custom-actions")
        raise e


def measure(name: str, check: Callable[[RemoteAction, dict], bool], rounds: int = 10) -> None:
    action = RemoteAction("validate_ij_form", None)
    assert check(action, GOOD) is True
    try:
        check(action, BAD)
        raise AssertionError(f"{name}: invalid reply accepted")
    except ValidationError as error:
        message = error.message[:70]
    started = time.perf_counter()
    for _ in range(rounds):
        check(action, GOOD)
    print(f"{name:28} {(time.perf_counter() - started) * 1000 / rounds:7.1f} ms par contrôle ; "
          f"erreur : {message}")


if __name__ == "__main__":
    measure("Rasa (jsonschema.validate)", RemoteAction._validate_action_result)
    measure("validateur construit une fois", validate_once_built)
