"""`make bench`: start-up time, latency, throughput, memory and training time of our assistant,
against a bare Rasa 3.6 assistant trained and loaded the same way.

    .venv/bin/python -m bench.run            # full run: bench/results.json + bench/results.png
    .venv/bin/python -m bench.run --quick    # smoke run, results in bench/out/
    .venv/bin/python -m bench.run --train    # also time a full training of our model

Each assistant is started alone (real servers on free ports, as the end-to-end tests do),
then 1, 4 and 16 simulated users replay bench/conversations.yml over the REST channel.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.bare.build_data import build as build_bare_data  # noqa: E402
from bench.conversations import CONVERSATIONS_FILE, Conversation, load_conversations  # noqa: E402
from bench.load import run_level  # noqa: E402
from bench.procs import load_average, tree_rss_mb  # noqa: E402
from bench.replicas import ReplicaSet  # noqa: E402
from bench.training import last_training, timed_train  # noqa: E402
from tests.live_stack import MODEL, LiveStack  # noqa: E402

BENCH = ROOT / "bench"
OUT = BENCH / "out"
BARE = BENCH / "bare"        # its config.yml; domain and data are generated (bench/bare/build_data.py)
BARE_SRC = OUT / "bare" / "src"
BARE_MODEL = OUT / "bare" / "bare.tar.gz"
BARE_TRAINING = OUT / "bare" / "training.json"
# Bare Rasa as `rasa init` runs it: no action server, the default in-memory tracker store.
BARE_ENDPOINTS = "# Bare Rasa: no action server, default in-memory tracker store.\n"


def bare_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted([BARE / "config.yml", BARE_SRC / "domain.yml", *(BARE_SRC / "data").glob("*.yml")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def bare_model(retrain: bool) -> dict:
    """Train the bare assistant (timed) unless a model of the same inputs exists and may be reused."""
    build_bare_data(BARE_SRC)
    fingerprint = bare_fingerprint()
    if not retrain and BARE_MODEL.exists() and BARE_TRAINING.exists():
        saved = json.loads(BARE_TRAINING.read_text())
        if saved.get("fingerprint") == fingerprint:
            saved["source"] = "reused model; time measured when it was trained"
            return saved
    say("Entraînement de l'assistant nu (Rasa par défaut)…")
    training = timed_train(["--config", str(BARE / "config.yml"), "--domain", str(BARE_SRC / "domain.yml"),
                            "--data", str(BARE_SRC / "data")], BARE_MODEL.parent, "bare",
                           OUT / "bare" / "train.log")
    training["fingerprint"] = fingerprint
    BARE_TRAINING.write_text(json.dumps(training, indent=2))
    return training


def our_training(retrain: bool) -> Optional[dict]:
    if retrain:
        say("Entraînement complet de notre modèle dans bench/out/ours (≈ 5 min)…")
        return timed_train([], OUT / "ours", "assistant", OUT / "ours" / "train.log")
    return last_training()


def bench_assistant(name: str, stack: LiveStack, conversations: list[Conversation], levels: list[int],
                    warmup_s: float, measure_s: float, check: bool) -> dict:
    if stack.workdir.exists():
        shutil.rmtree(stack.workdir)
    say(f"[{name}] démarrage du serveur…")
    try:  # the finally also covers a start that fails half-way (one server up, not the other)
        started = time.perf_counter()
        stack.start()
        start_s = round(time.perf_counter() - started, 1)
        say(f"[{name}] prêt en {start_s} s")
        result: dict = {"start_s": start_s, "levels": {}}
        rasa_pid = stack.processes[-1].pid
        for users in levels:
            say(f"[{name}] {users} utilisateur(s) : {warmup_s:g} s de chauffe + {measure_s:g} s de mesure…")
            stats = run_level(stack, conversations, users, warmup_s, measure_s,
                              tag=f"{name}{users}-{int(time.time())}", check=check)
            stats.rss_mb_after = tree_rss_mb(rasa_pid)
            result["levels"][str(users)] = stats.as_dict()
            say(f"[{name}] {users} : {stats.throughput_msg_s} msg/s, p50 {stats.p50_ms} ms, "
                f"p95 {stats.p95_ms} ms, erreurs {stats.errors}, inattendues {stats.unexpected}")
        result["rss_mb"] = tree_rss_mb(rasa_pid)
        if stack.actions:
            result["actions_rss_mb"] = tree_rss_mb(stack.processes[0].pid)
    finally:
        stack.stop()
    return result


def say(message: str) -> None:
    print(f"{dt.datetime.now():%H:%M:%S} {message}", flush=True)


def git_state() -> dict:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()
    return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Banc de charge : notre assistant contre Rasa nu.")
    parser.add_argument("--quick", action="store_true",
                        help="essai rapide (5 s de chauffe, 20 s par palier, modèle nu réutilisé), "
                             "résultats dans bench/out/")
    parser.add_argument("--train", action="store_true",
                        help="chronométrer aussi un entraînement complet de notre modèle (≈ 5 min)")
    parser.add_argument("--levels", default="1,4,16", help="utilisateurs simultanés par palier")
    parser.add_argument("--warmup", type=float, help="secondes de chauffe par palier (défaut 10)")
    parser.add_argument("--seconds", type=float, help="secondes mesurées par palier (défaut 60)")
    parser.add_argument("--only", choices=["ours", "bare", "replicas"],
                        help="un seul des assistants (replicas : seulement le profil production)")
    parser.add_argument("--replicas", type=int, default=2,
                        help="mesurer aussi le profil production à N répliques (PostgreSQL + Redis) ; 0 : non")
    args = parser.parse_args(argv)
    args.warmup = args.warmup if args.warmup is not None else (5 if args.quick else 10)
    args.seconds = args.seconds if args.seconds is not None else (20 if args.quick else 60)
    args.levels = [int(x) for x in args.levels.split(",") if x.strip()]
    return args


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    # `kill` (SIGTERM) must stop the servers too: turn it into an exception that unwinds.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not MODEL.exists():
        print(f"Pas de modèle entraîné ({MODEL}) : lancez `make train`.", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    conversations = load_conversations()
    load_before = load_average()
    results: dict = {
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average_before": load_before,
                    "python": platform.python_version(), "platform": platform.platform()},
        "git": git_state(),
        "settings": {"levels": args.levels, "warmup_s": args.warmup, "measure_s": args.seconds,
                     "quick": args.quick, "request_timeout_s": 60,
                     "conversations_file": str(CONVERSATIONS_FILE.relative_to(ROOT)),
                     "conversations": len(conversations),
                     "messages_per_round": sum(len(c.turns) for c in conversations),
                     "sender_ids": "one fresh sender id per conversation played, per user"},
        "notes": {
            "latency": "per REST message, client side; turns started in the measuring window "
                       "(warm-up excluded), failed turns excluded from percentiles",
            "throughput": "messages answered within the measuring window / window length",
            "rss_mb": "VmRSS summed over the Rasa server's process tree after the last level "
                      "(ours: the action server is reported apart, actions_rss_mb)",
            "unexpected": "our replies without the conversation's expected text (not checked for bare)",
            "ours": "models/assistant.tar.gz, action server, redacting SQLite tracker store",
            "ours_replicas": "the same model as the production profile runs it: N Rasa replicas "
                             "(endpoints.prod.yml: PostgreSQL tracker store, atomic Redis lock store) and "
                             "one action server; each turn sent to the replica with the fewest turns in progress (least_conn); "
                             "rss_mb is one replica's",
            "bare": "bench/bare: all our intents and training examples, every intent answered by an "
                    "utter_ response (FAQ answers from knowledge/), spaCy pipeline of ours without "
                    "custom components, Rasa default policies incl. TEDPolicy and "
                    "UnexpecTEDIntentPolicy, in-memory tracker store, no action server",
        },
        "reference_bare_team": report.TEAM_BARE_REFERENCE,
        "assistants": {},
    }
    try:
        bare_training = bare_model(retrain=not args.quick) if args.only in (None, "bare") else None
        training = our_training(args.train) if args.only != "bare" else None
        if args.only != "bare":
            if args.only != "replicas":
                ours = bench_assistant("ours", LiveStack(workdir=OUT / "ours-stack"), conversations,
                                       args.levels, args.warmup, args.seconds, check=True)
                ours["training"] = training
                results["assistants"]["ours"] = ours
            if args.replicas > 1:
                replicas = bench_assistant(f"ours x{args.replicas}", ReplicaSet(OUT / "replicas", args.replicas),
                                           conversations, args.levels, args.warmup, args.seconds, check=True)
                replicas["replicas"] = args.replicas
                replicas["training"] = training
                results["assistants"]["ours_replicas"] = replicas
        if args.only in (None, "bare"):
            bare_stack = LiveStack(workdir=OUT / "bare-stack", model=BARE_MODEL, actions=False,
                                   endpoints_text=BARE_ENDPOINTS)
            bare = bench_assistant("bare", bare_stack, conversations, args.levels, args.warmup,
                                   args.seconds, check=False)
            bare["training"] = {k: v for k, v in bare_training.items() if k != "fingerprint"}
            results["assistants"]["bare"] = bare
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except RuntimeError as error:  # a server or a training that failed: say where to look
        print(f"Échec du banc : {error}", file=sys.stderr)
        return 1
    results["machine"]["load_average_after"] = load_average()
    ours, bare = results["assistants"].get("ours"), results["assistants"].get("bare")
    if ours and bare:
        results["ratios"] = report.ratios(ours, bare)
        results["targets"] = report.targets(ours, bare)
        if "ours_replicas" in results["assistants"]:
            replicas = results["assistants"]["ours_replicas"]
            results["ratios_replicas"] = report.ratios(replicas, bare)
            results["targets_replicas"] = report.targets(replicas, bare)
    destination = OUT if args.quick or args.only else BENCH
    json_path = destination / ("results-quick.json" if destination == OUT else "results.json")
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if ours and bare:
        png_path = json_path.with_suffix(".png")
        report.plot(results, png_path)
        print(report.summary_table(results))
        print(f"\nÉcrit : {json_path.relative_to(ROOT)}, {png_path.relative_to(ROOT)}")
    else:
        print(f"\nÉcrit : {json_path.relative_to(ROOT)}")
    if max(load_before) > 0.5 * (results["machine"]["cpus"] or 1):
        print(f"Attention : machine déjà chargée au départ (charge {load_before}), chiffres bruités.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
