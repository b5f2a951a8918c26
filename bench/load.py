"""Simulated users replaying conversations over the REST channel, and latency statistics.

Each user is a thread that plays whole conversations one after the other, each under a fresh
sender id of its own, starting at a different conversation so that the mix is spread over
time. A level runs for a warm-up period (turns not counted: lazy loading, first TensorFlow
calls, SQLite page cache) then for a fixed measuring window.
"""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Optional

from assistant.text import fold
from bench.conversations import Conversation
from tests.live_stack import LiveStack, reply_text

REQUEST_TIMEOUT_S = 60


@dataclass(frozen=True)
class Sample:
    started: float  # perf_counter seconds
    finished: float
    kind: str
    error: Optional[str] = None  # exception name, or "empty" when the bot said nothing
    unexpected: bool = False  # reply without the conversation's expected text
    detail: Optional[str] = None  # for an unexpected reply: conversation, message, reply

    @property
    def latency_ms(self) -> float:
        return (self.finished - self.started) * 1000


@dataclass
class LevelStats:
    users: int
    measure_s: float
    messages: int  # turns started in the measuring window
    throughput_msg_s: float  # turns completed in the window, per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    errors: int
    unexpected: int
    error_kinds: dict = field(default_factory=dict)
    unexpected_examples: list = field(default_factory=list)
    p50_ms_by_kind: dict = field(default_factory=dict)
    p95_ms_by_kind: dict = field(default_factory=dict)
    rss_mb_after: Optional[float] = None

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); no interpolation, so p99 is a real sample."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def _play(stack: LiveStack, conversations: list[Conversation], user: int, tag: str,
          check: bool, stop_at: float, out: list[Sample]) -> None:
    n = 0
    while time.perf_counter() < stop_at:
        conversation = conversations[(user + n) % len(conversations)]
        sender = f"{tag}-u{user}-c{n}"
        n += 1
        for turn in conversation.turns:
            if time.perf_counter() >= stop_at:
                return
            started = time.perf_counter()
            error, unexpected, detail = None, False, None
            try:
                messages = stack.post("/webhooks/rest/webhook",
                                      {"sender": sender, "message": turn.text},
                                      timeout=REQUEST_TIMEOUT_S)
                text = reply_text(messages or [])
                if not text.strip():
                    error = "empty"
                elif check and turn.expect and fold(turn.expect) not in fold(text):
                    unexpected = True
                    detail = f"{conversation.name}: {turn.text!r} -> {text[:160]!r}"
            except Exception as exc:  # noqa: BLE001 - every failure is a measured error
                error = type(exc).__name__
            out.append(Sample(started, time.perf_counter(), conversation.kind, error, unexpected, detail))
            if error and error != "empty":
                break  # the conversation state is unknown: start the next one


def run_level(stack: LiveStack, conversations: list[Conversation], users: int, warmup_s: float,
              measure_s: float, tag: str, check: bool) -> LevelStats:
    begin = time.perf_counter()
    window_start = begin + warmup_s
    window_end = window_start + measure_s
    samples: list[list[Sample]] = [[] for _ in range(users)]
    threads = [threading.Thread(target=_play, daemon=True,
                                args=(stack, conversations, u, tag, check, window_end, samples[u]))
               for u in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup_s + measure_s + REQUEST_TIMEOUT_S + 30)
    all_samples = [s for per_user in samples for s in per_user]
    return summarise(all_samples, users, window_start, window_end)


def summarise(samples: list[Sample], users: int, window_start: float, window_end: float) -> LevelStats:
    # Latency: every turn started in the window, including those finishing after it (no
    # survivor bias). Throughput: turns completed in the window.
    measured = [s for s in samples if window_start <= s.started < window_end]
    completed = [s for s in samples if window_start <= s.finished <= window_end and s.error is None]
    ok = [s.latency_ms for s in measured if s.error is None]
    error_kinds: dict[str, int] = {}
    for s in measured:
        if s.error:
            error_kinds[s.error] = error_kinds.get(s.error, 0) + 1
    kinds = sorted({s.kind for s in measured})
    by_kind = {k: [s.latency_ms for s in measured if s.kind == k and s.error is None] for k in kinds}
    measure_s = window_end - window_start
    return LevelStats(
        users=users, measure_s=round(measure_s, 1), messages=len(measured),
        throughput_msg_s=round(len(completed) / measure_s, 2),
        p50_ms=round(percentile(ok, 50), 1), p95_ms=round(percentile(ok, 95), 1),
        p99_ms=round(percentile(ok, 99), 1),
        mean_ms=round(sum(ok) / len(ok), 1) if ok else float("nan"),
        max_ms=round(max(ok), 1) if ok else float("nan"),
        errors=sum(error_kinds.values()), unexpected=sum(s.unexpected for s in measured),
        error_kinds=error_kinds,
        unexpected_examples=sorted({s.detail for s in measured if s.detail})[:5],
        p50_ms_by_kind={k: round(percentile(v, 50), 1) for k, v in by_kind.items() if v},
        p95_ms_by_kind={k: round(percentile(v, 95), 1) for k, v in by_kind.items() if v},
    )
