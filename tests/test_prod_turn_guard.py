"""serving/turn_guard.py without servers: every failed turn gets the polite message, once."""
import asyncio
import logging

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from assistant.knowledge import load_yaml
from serving.turn_guard import PROCESSOR_LOGGER, TurnAborted, abort_turn, failure_message, guard_turn

processor_logger = logging.getLogger(PROCESSOR_LOGGER)


def run_turn(handler) -> list[str]:
    """Texts the user gets when `handler` handles one message behind the guard."""
    output = CollectingOutputChannel()
    asyncio.run(guard_turn(handler)(UserMessage("bonjour", output, "u1")))
    return [m.get("text") for m in output.messages]


def _run_action() -> None:
    """Named like the processor method whose exception Rasa logs and swallows."""
    try:
        raise ConnectionRefusedError("action server down")
    except ConnectionRefusedError:
        processor_logger.exception("Encountered an exception while running action 'action_answer_faq'.")


def test_message_is_french_and_gives_the_numbers_from_knowledge():
    networks = load_yaml("agencies/reseaux.yml")["reseaux"]
    text = failure_message()
    assert text.startswith("Désolé")
    for network in ("urssaf", "cpam", "carsat"):
        assert networks[network]["telephone"] in text


def test_normal_turn_is_untouched():
    async def handler(message):
        await message.output_channel.send_text_message(message.sender_id, "Bonjour !")

    assert run_turn(handler) == ["Bonjour !"]


def test_swallowed_action_failure_is_told_once_after_what_was_said():
    async def handler(message):
        await message.output_channel.send_text_message(message.sender_id, "Voici :")
        _run_action()
        _run_action()  # a second failing action in the same turn

    assert run_turn(handler) == ["Voici :", failure_message()]


def test_other_processor_errors_and_other_turns_are_not_counted():
    async def handler(message):
        processor_logger.error("not an action failure")

    assert run_turn(handler) == []
    _run_action()  # outside any turn: only logged
    assert run_turn(lambda message: asyncio.sleep(0)) == []


def test_store_failure_raising_or_aborting_is_told():
    async def raising(message):
        raise ConnectionError("redis down")

    async def aborting(message):
        abort_turn(ConnectionError("postgres down"))

    assert run_turn(raising) == [failure_message()]
    assert run_turn(aborting) == [failure_message()]


def test_abort_turn_outside_a_turn_does_nothing():
    abort_turn(ConnectionError("postgres down"))  # no exception: Rasa's own handling applies
    assert issubclass(TurnAborted, BaseException) and not issubclass(TurnAborted, Exception)
