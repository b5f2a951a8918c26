"""Intent evaluation on the held-out set (tests/heldout, never used for training).

`make eval` loads the trained model in this process and prints per-intent precision and
recall, the confusion pairs, and the gain of the typo normaliser on a typo test set made
from the held-out questions (seeded, so the same every run). It then scores the second,
later evaluation set (tests/fresh): its sentences were written by sessions that had not
seen the errors on the held-out set, so it tells whether a change made after reading those
errors generalises. The tests reuse `evaluate` against the live server.
"""
from __future__ import annotations

import asyncio
import os
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.nlu_data import fresh_examples, heldout_examples  # noqa: E402

FALLBACK = "nlu_fallback"
Parse = Callable[[str], dict]


@dataclass
class Report:
    total: int = 0
    correct: int = 0               # classifier's best intent (ignoring the fallback) is right
    direct: int = 0                # right and confident: answered without a clarifying question
    confusions: Counter = field(default_factory=Counter)
    per_intent: dict = field(default_factory=lambda: defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0}))

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def direct_rate(self) -> float:
        return self.direct / self.total if self.total else 0.0


def best_intent(parsed: dict) -> str:
    """The intent the bot acts on; when the FallbackClassifier stepped in, the best real intent.

    ToolIntentRouter may set the intent to a tool (ask_agency, ask_ij) without reordering the
    ranking: the bot then answers with that tool, so it is what counts.
    """
    chosen = (parsed.get("intent") or {}).get("name")
    if chosen and chosen != FALLBACK:
        return chosen
    for item in parsed.get("intent_ranking") or []:
        if item.get("name") != FALLBACK:
            return item["name"]
    return chosen or FALLBACK


def evaluate(parse: Parse, examples: dict[str, list[str]]) -> Report:
    report = Report()
    for intent, texts in sorted(examples.items()):
        for text in texts:
            parsed = parse(text)
            predicted = best_intent(parsed)
            report.total += 1
            if predicted == intent:
                report.correct += 1
                report.per_intent[intent]["tp"] += 1
                if (parsed.get("intent") or {}).get("name") == intent:
                    report.direct += 1
            else:
                report.per_intent[intent]["fn"] += 1
                report.per_intent[predicted]["fp"] += 1
                report.confusions[(intent, predicted)] += 1
    return report


def with_typos(text: str, rng: random.Random) -> str:
    """One realistic slip in each long word: a letter dropped, doubled, swapped, or accents lost."""
    import unicodedata

    out = []
    for word in text.split(" "):
        if len(word) >= 6 and word.isalpha() and rng.random() < 0.7:
            i = rng.randrange(1, len(word) - 1)
            kind = rng.choice(["drop", "double", "swap", "accents"])
            if kind == "drop":
                word = word[:i] + word[i + 1:]
            elif kind == "double":
                word = word[:i] + word[i] + word[i:]
            elif kind == "swap":
                word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
            else:
                word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        out.append(word)
    return " ".join(out)


def typo_set(examples: dict[str, list[str]], seed: int = 7) -> dict[str, list[str]]:
    rng = random.Random(seed)
    return {intent: [with_typos(t, rng) for t in texts] for intent, texts in examples.items()
            if intent.startswith("faq_") or intent.startswith("ask_")}


def format_report(report: Report, title: str) -> str:
    lines = [f"## {title}",
             f"intent accuracy: {report.accuracy:.1%} ({report.correct}/{report.total}); "
             f"answered directly (no clarifying question): {report.direct_rate:.1%}", "",
             f"{'intent':45} {'precision':>9} {'recall':>7} {'n':>4}"]
    for intent, c in sorted(report.per_intent.items()):
        n = c["tp"] + c["fn"]
        if n == 0 and c["fp"] == 0:
            continue
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / n if n else 0.0
        lines.append(f"{intent:45} {precision:9.2f} {recall:7.2f} {n:4d}")
    if report.confusions:
        lines += ["", "confusion pairs (expected -> predicted: count):"]
        lines += [f"  {a} -> {b}: {k}" for (a, b), k in report.confusions.most_common(25)]
    return "\n".join(lines)


def in_process_parser() -> Parse:
    from rasa.core.agent import Agent

    agent = Agent.load(str(ROOT / "models" / "assistant.tar.gz"))
    loop = asyncio.new_event_loop()
    return lambda text: loop.run_until_complete(agent.parse_message(text))


def main() -> None:
    parse = in_process_parser()
    examples = heldout_examples()
    print(format_report(evaluate(parse, examples), "held-out set (tests/heldout)"))
    typos = typo_set(examples)
    with_normaliser = evaluate(parse, typos)
    os.environ["ASSISTANT_TYPO_NORMALIZER"] = "off"
    without = evaluate(parse, typos)
    os.environ.pop("ASSISTANT_TYPO_NORMALIZER")
    print()
    print(f"## typo set ({with_normaliser.total} held-out FAQ/tool questions with injected typos)")
    print(f"accuracy with the rapidfuzz normaliser: {with_normaliser.accuracy:.1%}, "
          f"without: {without.accuracy:.1%}, gain: {100 * (with_normaliser.accuracy - without.accuracy):+.1f} points")
    print()
    fresh = evaluate(parse, fresh_examples())
    print(format_report(fresh, "second evaluation set (tests/fresh)").split("\n\n")[0])
    if fresh.confusions:
        print("errors: " + "; ".join(f"{a} -> {b}" for (a, b), _ in fresh.confusions.most_common()))


if __name__ == "__main__":
    main()
