"""The production profile for real: two Rasa replicas sharing PostgreSQL and a Redis lock.

A throw-away PostgreSQL cluster and Redis server are started, then `scripts/run_prod.sh`
itself (as `make run-prod` runs it: one action server, RASA_REPLICAS=2 replicas on
consecutive ports, endpoints.prod.yml) once for the module. Every scenario talks to both
replicas over HTTP, reads the events PostgreSQL holds, and breaks one back-end at a time
(action server, PostgreSQL, Redis, a replica), putting it back before the next scenario.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant import faq
from assistant.nlu_data import training_examples
from assistant.text import fold
from serving.turn_guard import failure_message
from tests.live_stack import ROOT, LiveStack, free_port, reply_text
from serving.action_server import ActionServer
from tests.prod_services import Postgres, Redis, consecutive_free_ports, start_services

PROD_ENDPOINTS = ROOT / "endpoints.prod.yml"
IJ_DIALOG = ("je voudrais calculer mes indemnités journalières", "artisan", "30 000 €")
IJ_AMOUNT = "41,10 €"
READY = "est prêt"  # what scripts/run_prod.sh prints once every replica answers
_conversations = itertools.count()


def faq_turn(entry_id: str) -> tuple[str, tuple[str, ...]]:
    """A question that reaches an FAQ entry (its first training example) and its key facts."""
    entry = next(e for e in faq.all_entries() if e.id == entry_id)
    return training_examples()[entry.intent][0], entry.key_facts


VIGILANCE = faq_turn("attestation_vigilance")
CARTE_VITALE = faq_turn("sante_carte_vitale_perdue")


@dataclass
class Prod:
    postgres: Postgres
    redis: Redis
    workdir: Path  # PROD_RUN_DIR: the script's logs and pid files
    env: dict
    a: LiveStack  # the replicas, addressed by port and token; restarted ones are owned here
    b: LiveStack
    actions_port: int
    restarted_actions: list = field(default_factory=list)

    def events(self, sender: str) -> list[dict]:
        """What PostgreSQL holds for one conversation, in the order it was written."""
        rows = self.postgres.query(
            "SELECT id, type_name, timestamp, action_name, data FROM events WHERE sender_id = %s ORDER BY id",
            sender)
        return [{"id": r[0], "type": r[1], "timestamp": r[2], "action": r[3], "data": json.loads(r[4])} for r in rows]

    def user_texts(self, sender: str) -> list[str]:
        return [e["data"]["text"] for e in self.events(sender) if e["type"] == "user"]

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill a server the script started, by its pid file, and wait until it is gone."""
        pid = int((self.workdir / f"{name}.pid").read_text())
        os.killpg(pid, sig)
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)

    def start_actions(self) -> None:
        self.restarted_actions.append(ActionServer(log=self.workdir / "actions-restarted.log",
                                                   port=self.actions_port).start())


def _wait_ready(runner: subprocess.Popen, log: Path, timeout: float = 420) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if READY in log.read_text(encoding="utf-8", errors="replace"):
            return
        if runner.poll() is not None:
            raise RuntimeError(f"scripts/run_prod.sh exited ({runner.returncode}); see {log}")
        time.sleep(1)
    raise RuntimeError(f"scripts/run_prod.sh not ready after {timeout} s; see {log}")


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    postgres, redis_server, reason = start_services()
    if reason:
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("prod")
    first_port, actions_port, token = consecutive_free_ports(2), free_port(), secrets.token_hex(16)
    env = {**postgres.env(), **redis_server.env(), "RASA_REPLICAS": "2", "RASA_PORT": str(first_port),
           "ACTIONS_PORT": str(actions_port), "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
           "PROD_RUN_DIR": str(workdir), "RASA_AUTH_TOKEN": token, "WEB_PORT": str(free_port())}
    log = workdir / "run_prod.log"
    replicas = [LiveStack(workdir=workdir / name, rasa_port=first_port + index, token=token, actions=False,
                          extra_env=env, endpoints_text=PROD_ENDPOINTS.read_text(encoding="utf-8"))
                for index, name in enumerate(("a", "b"))]
    prod_ = Prod(postgres, redis_server, workdir, env, *replicas, actions_port=actions_port)
    with log.open("ab") as out:
        runner = subprocess.Popen(
            [str(ROOT / "scripts" / "run_prod.sh")], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=dict(os.environ, **env, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1"),
            start_new_session=True)
    try:
        _wait_ready(runner, log)
        yield prod_
    finally:
        for replica in replicas:  # only those a test restarted have processes here
            replica.stop()
        for server in prod_.restarted_actions:
            server.stop()
        os.killpg(runner.pid, signal.SIGTERM)  # the script stops the servers it started
        try:
            runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            for pid_file in workdir.glob("*.pid"):
                try:
                    os.killpg(int(pid_file.read_text()), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        redis_server.remove()
        postgres.remove()


def test_run_prod_started_the_replicas_on_consecutive_ports(prod):
    log = (prod.workdir / "run_prod.log").read_text(encoding="utf-8")
    assert f"http://127.0.0.1:{prod.a.rasa_port} http://127.0.0.1:{prod.b.rasa_port}" in log
    assert prod.b.rasa_port == prod.a.rasa_port + 1
    for replica in (prod.a, prod.b):
        assert replica.get("/status")["model_id"]
    assert sorted(p.name for p in prod.workdir.glob("*.pid")) == [
        "actions.pid", f"rasa-{prod.a.rasa_port}.pid", f"rasa-{prod.b.rasa_port}.pid"]


@pytest.fixture
def conversation(request) -> str:
    return f"prod{next(_conversations)}-{secrets.token_hex(3)}-{request.node.name[:30]}"


def assert_well_formed(prod: Prod, sender: str, sent: list[str]) -> None:
    """Every turn sent is stored once, whole, and turns never interleave."""
    events = prod.events(sender)
    assert sorted(prod.user_texts(sender)) == sorted(sent)
    stored = [(e["type"], e["timestamp"], json.dumps(e["data"], sort_keys=True)) for e in events]
    assert len(stored) == len(set(stored)), "an event was stored twice"
    users = [e for e in events if e["type"] == "user"]
    assert len({e["timestamp"] for e in users}) == len(users)
    assert [e["timestamp"] for e in users] == sorted(e["timestamp"] for e in users)
    # A turn ends with action_listen: each user event follows a finished turn.
    for previous, event in zip(events, events[1:]):
        if event["type"] == "user":
            assert previous["action"] == "action_listen", f"turn interleaved at event {event['id']}"
    assert events[-1]["action"] == "action_listen"


def test_one_conversation_alternating_between_replicas(prod, conversation):
    first, second, third = IJ_DIALOG
    assert "statut" in fold(reply_text(prod.a.say(conversation, first)))
    assert "revenu" in fold(reply_text(prod.b.say(conversation, second)))
    assert IJ_AMOUNT in reply_text(prod.a.say(conversation, third))

    from_a, from_b = prod.a.tracker(conversation), prod.b.tracker(conversation)
    assert from_a["slots"] == from_b["slots"]
    assert from_a["slots"]["statut"] and from_a["events"] == from_b["events"]
    assert prod.user_texts(conversation) == list(IJ_DIALOG)
    assert_well_formed(prod, conversation, list(IJ_DIALOG))
    assert len(prod.events(conversation)) == len(from_a["events"])


def test_simultaneous_turns_on_both_replicas_are_serialised(prod, conversation):
    """Without the Redis lock both replicas would load the same tracker and the second save
    would overwrite part of the first turn (Rasa appends by event count)."""
    rounds = [(VIGILANCE, CARTE_VITALE), (CARTE_VITALE, VIGILANCE)] * 2
    sent = []
    for (question_a, facts_a), (question_b, facts_b) in rounds:
        start = threading.Barrier(2)

        def say(replica: LiveStack, text: str) -> str:
            start.wait()
            return reply_text(replica.say(conversation, text))

        with ThreadPoolExecutor(2) as pool:
            reply_a = pool.submit(say, prod.a, question_a)
            reply_b = pool.submit(say, prod.b, question_b)
            answers = reply_a.result(), reply_b.result()
        for answer, facts in zip(answers, (facts_a, facts_b)):
            assert all(fold(fact) in fold(answer) for fact in facts), answer
        sent += [question_a, question_b]
    assert_well_formed(prod, conversation, sent)
    assert len(prod.events(conversation)) == len(prod.b.tracker(conversation)["events"])


async def socketio_first_reply(base: str, session_id: str, text: str) -> str:
    """Send one message over Socket.IO as the web widget does; the first bot message.

    Long-polling transport: engine.io's websocket client needs a newer aiohttp than Rasa pins.
    """
    import socketio  # python-socketio, a Rasa dependency

    client = socketio.AsyncClient()
    confirmed, replies = asyncio.Event(), asyncio.Queue()
    client.on("session_confirm", lambda *_: confirmed.set())

    async def on_bot_uttered(data):
        await replies.put(data)

    client.on("bot_uttered", on_bot_uttered)
    await client.connect(base, socketio_path="socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 60)
        await client.emit("user_uttered", {"message": text, "session_id": session_id})
        return (await asyncio.wait_for(replies.get(), 120)).get("text", "")
    finally:
        await client.disconnect()


def test_action_server_down_then_back(prod, conversation):
    question, facts = VIGILANCE
    first, second, third = IJ_DIALOG
    assert "statut" in fold(reply_text(prod.a.say(conversation, first)))
    prod.kill("actions", signal.SIGTERM)
    try:
        # REST, in the middle of the IJ form, and Socket.IO, on the other replica.
        assert reply_text(prod.b.say(conversation, second)) == failure_message()
        assert asyncio.run(socketio_first_reply(prod.a.base, conversation + "-sio", question)) == failure_message()
        assert "3698" in failure_message() and "36 46" in failure_message()
        assert prod.a.get("/status")["model_id"]  # Rasa itself is fine
    finally:
        prod.start_actions()
    # Same Rasa processes, same conversations: the form goes on where it was.
    assert "revenu" in fold(reply_text(prod.b.say(conversation, second)))
    assert IJ_AMOUNT in reply_text(prod.a.say(conversation, third))
    answer = asyncio.run(socketio_first_reply(prod.b.base, conversation + "-sio", question))
    assert all(fold(fact) in fold(answer) for fact in facts) and answer != failure_message()


def _back_end_down_then_back(prod, conversation, service) -> None:
    """While ``service`` is stopped both replicas answer the failure message and store nothing;
    once it is back the form goes on where it was, on either replica."""
    first, second, third = IJ_DIALOG
    assert "statut" in fold(reply_text(prod.a.say(conversation, first)))
    before = prod.events(conversation)
    service.stop()
    try:
        during = [reply_text(replica.say(conversation, second)) for replica in (prod.a, prod.b)]
    finally:
        service.start()
    assert during == [failure_message(), failure_message()]
    assert prod.events(conversation) == before  # nothing lost, nothing half-written
    assert "revenu" in fold(reply_text(prod.b.say(conversation, second)))
    assert IJ_AMOUNT in reply_text(prod.a.say(conversation, third))
    assert prod.user_texts(conversation) == list(IJ_DIALOG)
    assert_well_formed(prod, conversation, list(IJ_DIALOG))


def test_postgres_down_then_back(prod, conversation):
    """A turn PostgreSQL cannot serve is not stored, and the user is told."""
    _back_end_down_then_back(prod, conversation, prod.postgres)


def test_redis_down_then_back(prod, conversation):
    """Without the lock no turn runs: the user is told, nothing is stored."""
    _back_end_down_then_back(prod, conversation, prod.redis)


def test_replica_killed_mid_form_then_restarted(prod, conversation):
    first, second, third = IJ_DIALOG
    assert "statut" in fold(reply_text(prod.a.say(conversation, first)))
    prod.kill(f"rasa-{prod.a.rasa_port}")  # no clean shutdown: SIGKILL the whole process group
    # The load balancer's other replica carries on meanwhile.
    assert "revenu" in fold(reply_text(prod.b.say(conversation, second)))
    prod.a.start()  # same port, same endpoints.prod.yml and environment
    assert IJ_AMOUNT in reply_text(prod.a.say(conversation, third))
    assert prod.user_texts(conversation) == list(IJ_DIALOG)
    assert_well_formed(prod, conversation, list(IJ_DIALOG))
