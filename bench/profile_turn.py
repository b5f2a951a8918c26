"""Where the time of one turn goes, measured inside Rasa (`make bench` does not run this).

    .venv/bin/python -m bench.profile_turn [--rounds 3]

Loads our model in-process with Rasa's Agent, with the real action server (started on a free
port) and the redacting SQLite tracker store, replays bench/conversations.yml once to warm up,
then N times timed. Timers wrap every graph node (each NLU component and policy), the tracker
store reads and writes, the remote action calls (HTTP round trip to the action server) and the
whole turn. A cProfile of one round is written to bench/out/profile-cprofile.txt.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import io
import json
import logging
import pstats
import shutil
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.text import fold  # noqa: E402
from bench.conversations import load_conversations  # noqa: E402
from tests.live_stack import MODEL, LiveStack, reply_text  # noqa: E402

OUT = ROOT / "bench" / "out"


class Timers:
    """Seconds spent per label during the current turn; nested labels are not subtracted."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def add(self, label: str, seconds: float) -> None:
        self.current[label] += seconds
        self.calls[label] += 1

    def take(self) -> tuple[dict[str, float], dict[str, int]]:
        turn, calls = dict(self.current), dict(self.calls)
        self.current, self.calls = defaultdict(float), defaultdict(int)
        return turn, calls


TIMERS = Timers()


def _wrap_sync(owner: Any, name: str, label: Callable[..., str], replacement: Any = None) -> None:
    original = replacement or getattr(owner, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TIMERS.add(label(*args), time.perf_counter() - started)

    setattr(owner, name, timed)


def _wrap_async(owner: Any, name: str, label: Callable[..., str]) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            TIMERS.add(label(*args), time.perf_counter() - started)

    setattr(owner, name, timed)


def instrument() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode

    from serving.tracker_store import RedactingSQLTrackerStore

    _wrap_sync(GraphNode, "__call__", lambda node, *_: f"node {node._node_name}")
    _wrap_async(MessageProcessor, "parse_message", lambda *_: "NLU (parse_message)")
    _wrap_sync(MessageProcessor, "_predict_next_with_tracker", lambda *_: "policies (all predictions)")
    _wrap_async(MessageProcessor, "_run_action", lambda *_: "actions run (all)")
    _wrap_async(RemoteAction, "run", lambda *_: "action server HTTP round trip")
    # Per remote action, and the check of its response against Rasa's JSON schema.
    _wrap_async(RemoteAction, "run", lambda action, *_: f"remote {action.name()}")
    _wrap_sync(RemoteAction, "_validate_action_result", lambda *_: "action response schema check")
    _wrap_async(MessageProcessor, "fetch_tracker_and_update_session", lambda *_: "tracker load")
    _wrap_async(RedactingSQLTrackerStore, "save", lambda *_: "tracker save (SQLite)")


async def replay(agent: Any, rounds: int, tag: str) -> list[dict]:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    turns = []
    for round_number in range(rounds):
        for index, conversation in enumerate(load_conversations()):
            sender = f"{tag}-r{round_number}-c{index}"
            for turn in conversation.turns:
                TIMERS.take()
                started = time.perf_counter()
                channel = CollectingOutputChannel()
                await agent.handle_message(UserMessage(turn.text, channel, sender))
                timings, calls = TIMERS.take()
                timings["turn (handle_message)"] = time.perf_counter() - started
                calls["turn (handle_message)"] = 1
                reply = reply_text(channel.messages)
                unexpected = bool(turn.expect) and fold(turn.expect) not in fold(reply)
                turns.append({"kind": conversation.kind, "text": turn.text, "timings": timings,
                              "calls": calls,
                              "unexpected": f"{conversation.name}: {turn.text!r} -> {reply[:200]!r}"
                              if unexpected else None})
    return turns


def summarise(turns: list[dict]) -> dict:
    labels = sorted({label for t in turns for label in t["timings"]})
    mean_ms = {label: round(1000 * sum(t["timings"].get(label, 0) for t in turns) / len(turns), 2)
               for label in labels}
    by_kind: dict[str, dict] = {}
    for kind in sorted({t["kind"] for t in turns}):
        chosen = [t for t in turns if t["kind"] == kind]
        by_kind[kind] = {label: round(1000 * sum(t["timings"].get(label, 0) for t in chosen) / len(chosen), 2)
                         for label in ["turn (handle_message)", "NLU (parse_message)",
                                       "policies (all predictions)", "action server HTTP round trip",
                                       "tracker load", "tracker save (SQLite)"]}
    calls = {label: round(sum(t["calls"].get(label, 0) for t in turns) / len(turns), 2) for label in labels}
    return {"turns": len(turns), "mean_ms_per_turn": dict(sorted(mean_ms.items(), key=lambda kv: -kv[1])),
            "mean_calls_per_turn": calls,
            "unexpected_replies": sorted({t["unexpected"] for t in turns if t["unexpected"]}),
            "mean_ms_per_turn_by_kind": by_kind}


async def main_async(rounds: int, rasa_schema_check: bool, model: Path = MODEL) -> dict:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # The log level `rasa run` uses by default: debug logging alone would dominate a turn.
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)

    workdir = OUT / "profile-stack"
    if workdir.exists():  # a fresh tracker database: replayed sender ids must start empty
        shutil.rmtree(workdir)
    stack = LiveStack(workdir=workdir, model=None).start()  # the action server only
    try:
        if rasa_schema_check:  # profile as before serving/action_replies.py: Rasa's own check
            from rasa.core.actions.action import RemoteAction

            from serving.action_replies import RASA_CHECK

            RemoteAction._validate_action_result = RASA_CHECK
        instrument()
        endpoints = AvailableEndpoints.read_endpoints(str(workdir / "endpoints.yml"))
        started = time.perf_counter()
        agent = await load_agent(model_path=str(model), endpoints=endpoints)
        load_s = time.perf_counter() - started
        await replay(agent, 1, "warm")
        turns = await replay(agent, rounds, "measured")
        profiler = cProfile.Profile()
        profiler.enable()
        await replay(agent, 1, "cprofile")
        profiler.disable()
        profiler.dump_stats(str(OUT / "profile.pstats"))
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(40)
        (OUT / "profile-cprofile.txt").write_text(text.getvalue(), encoding="utf-8")
    finally:
        stack.stop()
    result = summarise(turns)
    result["agent_load_s"] = round(load_s, 1)
    result["schema_check"] = "rasa" if rasa_schema_check else "serving/action_replies.py"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Profil d'un tour de conversation (dans Rasa).")
    parser.add_argument("--rounds", type=int, default=3, help="tours mesurés de bench/conversations.yml")
    parser.add_argument("--model", type=Path, default=MODEL, help="modèle à profiler (défaut : %(default)s)")
    parser.add_argument("--rasa-schema-check", action="store_true",
                        help="profiler avec le contrôle de schéma d'origine de Rasa (avant serving/action_replies.py)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the action server
    OUT.mkdir(parents=True, exist_ok=True)
    result = asyncio.run(main_async(args.rounds, args.rasa_schema_check, args.model))
    (OUT / "profile.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"{result['turns']} tours mesurés, moyenne par tour (ms) :")
    for label, ms in result["mean_ms_per_turn"].items():
        print(f"  {ms:9.2f}  {label}  (appels par tour : {result['mean_calls_per_turn'].get(label, 1)})")
    print("Par type de conversation (ms) :")
    for kind, timings in result["mean_ms_per_turn_by_kind"].items():
        print(f"  {kind:12} " + ", ".join(f"{k.split(' (')[0]} {v}" for k, v in timings.items()))
    for line in result["unexpected_replies"]:
        print(f"  réponse inattendue : {line}")
    print("Détail : bench/out/profile.json, bench/out/profile-cprofile.txt")


if __name__ == "__main__":
    main()
