"""The pilot profile (`make run`: one Rasa, SQLite) answers politely when the action server is
down, over REST and Socket.IO, and works again once it is back, without restarting Rasa.

Uses the session's live stack (tests/conftest.py) and gives it back with a running action
server on the same port, which the stack then stops at the end of the run.
"""
import asyncio
import os
import signal

from assistant.text import fold
from serving.turn_guard import failure_message
from tests.live_stack import reply_text
from serving.action_server import ActionServer
from tests.test_prod_scaleout import VIGILANCE, socketio_first_reply


def _stop_action_server(stack) -> None:
    for process in [p for p in stack.processes if p.args[2:3] == ["actions"]]:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        stack.processes.remove(process)


def test_action_server_down_then_back_on_the_pilot(stack, sender):
    question, facts = VIGILANCE
    assert "statut" in fold(reply_text(stack.say(sender, "je voudrais calculer mes indemnités journalières")))
    _stop_action_server(stack)
    try:
        assert reply_text(stack.say(sender, "artisan")) == failure_message()
        assert asyncio.run(socketio_first_reply(stack.base, sender + "-sio", question)) == failure_message()
    finally:
        restarted = ActionServer(log=stack.actions_log, port=stack.actions_port).start()
        stack.processes.append(restarted.process)  # stopped with the stack
    assert "revenu" in fold(reply_text(stack.say(sender, "artisan")))
    assert "41,10 €" in reply_text(stack.say(sender, "30 000 €"))
    answer = asyncio.run(socketio_first_reply(stack.base, sender + "-sio", question))
    assert all(fold(fact) in fold(answer) for fact in facts)
