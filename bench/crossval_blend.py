"""Cross-validation of the intent blend on the training data only (no evaluation set read).

Why: the held-out set has been read many times and DIET's seed alone moves its score by three
questions, so choices about the blend (its weight, averaging DIET over several seeds) are
made here instead, on stratified folds of data/nlu.

For each fold and each DIET seed, `rasa train nlu` trains the real pipeline (config.yml with
that seed) on the other folds. Rasa's training cache is shared, so the second seed of a fold
retrains DIET only (the linear model's inputs do not depend on DIET). Each held-back example
is then parsed in process with the blend function patched to record its two inputs, the
linear model's probabilities and DIET's ranking; `--report` recomputes any blend from them.

    .venv/bin/python -m bench.crossval_blend --folds 5 --seeds 2020,2021
    .venv/bin/python -m bench.crossval_blend --report
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.nlu_data import training_examples  # noqa: E402

OUT = ROOT / "bench" / "out" / "crossval"


def folds(examples: dict[str, list[str]], count: int, seed: int = 5) -> list[list[tuple[str, str]]]:
    """Stratified folds: each intent's examples shuffled, then dealt round-robin."""
    parts: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    rng = random.Random(seed)
    offset = 0
    for intent in sorted(examples):
        texts = list(examples[intent])
        rng.shuffle(texts)
        for i, text in enumerate(texts):
            parts[(i + offset) % count].append((intent, text))
        offset += len(texts)
    return parts


def write_nlu(pairs: list[tuple[str, str]], path: Path) -> None:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for intent, text in pairs:
        by_intent[intent].append(text)
    blocks = [{"intent": i, "examples": "".join(f"- {t}\n" for t in texts)} for i, texts in sorted(by_intent.items())]
    path.write_text(yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def write_config(seed: int, path: Path) -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for step in config["pipeline"]:
        if step["name"] == "DIETClassifier":
            step["random_seed"] = seed
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def train(fold_dir: Path, seed: int) -> Path:
    model = fold_dir / f"seed{seed}.tar.gz"
    if model.exists():
        return model
    config = fold_dir / f"config-{seed}.yml"
    write_config(seed, config)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0",
               TF_DETERMINISTIC_OPS="1", RASA_CACHE_DIRECTORY=str(OUT / "rasa-cache"))
    command = [str(ROOT / ".venv" / "bin" / "rasa"), "train", "nlu", "-c", str(config), "--nlu",
               str(fold_dir / "train.yml"), "--out", str(fold_dir), "--fixed-model-name", f"seed{seed}"]
    with (fold_dir / f"train-{seed}.log").open("wb") as log:
        subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env, check=True)
    return model


def record(model: Path, pairs: list[tuple[str, str]], out: Path) -> None:
    """Parse each held-back example and keep the two distributions the blend received."""
    if out.exists():
        return
    from rasa.core.agent import Agent

    import components.linear_intent as linear_intent

    seen: list[tuple[dict, dict]] = []
    original = linear_intent.blend

    def spy(linear, diet, weight):
        seen.append((dict(linear), dict(diet)))
        return original(linear, diet, weight)

    linear_intent.blend = spy
    try:
        agent = Agent.load(str(model))
        rows = []
        for intent, text in pairs:
            seen.clear()
            asyncio.run(agent.parse_message(text))
            linear, diet = seen[-1] if seen else ({}, {})
            rows.append({"intent": intent, "text": text, "linear": linear, "diet": diet})
    finally:
        linear_intent.blend = original
    out.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def run(count: int, seeds: list[int]) -> None:
    parts = folds(training_examples(), count)
    for k in range(count):
        fold_dir = OUT / f"fold{k}"
        fold_dir.mkdir(parents=True, exist_ok=True)
        train_pairs = [p for j, part in enumerate(parts) if j != k for p in part]
        if not (fold_dir / "train.yml").exists():
            write_nlu(train_pairs, fold_dir / "train.yml")
        for seed in seeds:
            model = train(fold_dir, seed)
            record(model, parts[k], fold_dir / f"records-{seed}.json")
            print(f"fold {k} seed {seed} done", flush=True)


def _best(scores: dict[str, float]) -> str:
    return min(scores.items(), key=lambda item: (-item[1], item[0]))[0] if scores else ""


def mixed(linear: dict, diets: list[dict], weight: float) -> dict[str, float]:
    """The blend with DIET's share split evenly over several seeds' rankings."""
    names = set(linear).union(*diets)
    return {n: weight * linear.get(n, 0.0) + (1 - weight) * sum(d.get(n, 0.0) for d in diets) / len(diets)
            for n in names}


def report(weights: list[float]) -> None:
    by_seed: dict[int, list[dict]] = defaultdict(list)
    for path in sorted(OUT.glob("fold*/records-*.json")):
        by_seed[int(path.stem.split("-")[1])].extend(json.loads(path.read_text(encoding="utf-8")))
    seeds = sorted(by_seed)
    total = len(by_seed[seeds[0]])
    print(f"{total} examples, seeds {seeds}")

    def accuracy(choose) -> str:
        right = sum(choose(i) == by_seed[seeds[0]][i]["intent"] for i in range(total))
        return f"{right} ({100 * right / total:.2f} %)"

    print("linear alone", accuracy(lambda i: _best(by_seed[seeds[0]][i]["linear"])))
    for seed in seeds:
        print(f"DIET alone, seed {seed}", accuracy(lambda i: _best(by_seed[seed][i]["diet"])))
    for weight in weights:
        singles = [accuracy(lambda i: _best(mixed(by_seed[s][i]["linear"], [by_seed[s][i]["diet"]], weight)))
                   for s in seeds]
        line = f"weight {weight:.2f}: " + " / ".join(singles)
        if len(seeds) > 1:
            line += "; seeds averaged " + accuracy(
                lambda i: _best(mixed(by_seed[seeds[0]][i]["linear"], [by_seed[s][i]["diet"] for s in seeds], weight)))
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", default="2020,2021")
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--weights", default="0.3,0.4,0.5,0.6,0.7,0.8,1.0")
    args = parser.parse_args()
    if not args.report:
        run(args.folds, [int(s) for s in args.seeds.split(",")])
    report([float(w) for w in args.weights.split(",")])


if __name__ == "__main__":
    main()
