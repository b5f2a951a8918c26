"""The prebuilt action-reply validator accepts and rejects exactly what Rasa's own check does."""
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction

import serving.tracker_store  # noqa: F401  (a module every server profile loads installs it)
from serving.action_replies import _quickly_accepted, validate_action_result

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


# Replies of every shape the quick path could be fooled by: each event type, right and wrong
# value types for the common and type-specific properties, unknown types, non-objects.
_EVENT_TYPES = ["user", "action", "slot", "entities", "bot", "active_loop", "followup", "restart",
                "session_started", "reset_slots", "form", "loop_interrupted", "unknown", "", "USER"]
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=3),
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))
_KEYS = ["timestamp", "metadata", "name", "value", "text", "entities", "parse_data", "policy",
         "confidence", "input_channel", "message_id", "action_text", "hide_rule_turn"]
_EVENTS = st.one_of(
    st.builds(lambda kind, extra: {"event": kind, **extra}, st.sampled_from(_EVENT_TYPES),
              st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=4)),
    st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=3),  # no "event" key
    _VALUES,
    st.builds(lambda value: {"event": value}, _VALUES),
)
_REPLIES = st.one_of(
    st.fixed_dictionaries({}, optional={"events": st.one_of(st.lists(_EVENTS, max_size=4), _VALUES),
                                        "responses": st.one_of(st.lists(st.one_of(st.fixed_dictionaries(
                                            {"text": st.text(max_size=3)}), _VALUES), max_size=2), _VALUES)}),
    _VALUES,
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_REPLIES)
def test_quick_path_accepts_only_what_rasa_accepts(reply):
    """The per-event-type shortcut (serving/action_replies.py) never accepts what the schema rejects."""
    rasa_accepts = jsonschema.Draft202012Validator(RemoteAction.action_response_format_spec()).is_valid(reply)
    if _quickly_accepted(reply):
        assert rasa_accepts
    if rasa_accepts:
        assert validate_action_result(None, reply) is True
    else:
        with pytest.raises(jsonschema.ValidationError):
            validate_action_result(None, reply)


def test_quick_path_used_for_the_replies_of_our_actions():
    """The shortcut applies to the schema of this Rasa version (else every reply is slow again)."""
    assert all(_quickly_accepted(reply) for reply in VALID)
    assert not any(_quickly_accepted(reply) for reply in INVALID)
