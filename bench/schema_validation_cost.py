"""Cost of Rasa's check of an action server reply, as Rasa 3.6 does it and with a validator
built once (serving/action_replies.py, which the server applies since this measure). Both
must accept and reject the same replies with the same error.

    .venv/bin/python -m bench.schema_validation_cost
"""
from __future__ import annotations

import time
from typing import Callable

from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from serving.action_replies import RASA_CHECK, validate_action_result

GOOD = {"events": [{"event": "slot", "name": "statut", "value": "artisan", "timestamp": None},
                   {"event": "active_loop", "name": "ij_form"}],
        "responses": [{"text": "Quel est votre revenu ?", "buttons": [{"title": "a", "payload": "b"}]}]}
BAD = {"events": [{"event": "slot", "name": 3}], "responses": "x"}


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
    measure("Rasa (jsonschema.validate)", RASA_CHECK)
    measure("validateur construit une fois", validate_action_result)
