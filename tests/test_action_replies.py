"""The prebuilt action-reply validator accepts and rejects exactly what Rasa's own check does."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import serving.tracker_store  # noqa: F401  (a module every server profile loads installs it)
from serving.action_replies import validate_action_result

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "statut", "value": "artisan", "timestamp": None}],
     "responses": [{"text": "Bonjour", "buttons": [{"title": "Oui", "payload": "/affirm"}]}]},
    {},
]
INVALID = [
    {"events": [{"name": "statut"}]},  # an event without its "event" key
    {"events": "not a list"},
    {"responses": [{"text": "x"}], "events": [{"event": 3}]},
]


def _rasa_check(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


@pytest.mark.parametrize("reply", VALID)
def test_valid_replies_pass_both_checks(reply):
    _rasa_check(reply)
    assert validate_action_result(None, reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_invalid_replies_fail_both_checks_with_rasa_hint(reply):
    with pytest.raises(jsonschema.ValidationError):
        _rasa_check(reply)
    with pytest.raises(jsonschema.ValidationError) as caught:
        validate_action_result(None, reply)
    assert "Failed to validate Action server response" in caught.value.message


def test_the_server_modules_install_it():
    assert RemoteAction._validate_action_result is validate_action_result
