"""Training times: a timed `rasa train` (the bare assistant, or ours with --train), or our
last `make train` read back from var/log/train.log."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
TRAIN_LOG = ROOT / "var" / "log" / "train.log"
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) ")
_TOTAL = re.compile(r"Modèle entraîné en (\d+) s")


def timed_train(args: list[str], out_dir: Path, model_name: str, log: Path) -> dict:
    """`rasa train --force` (every component trained, none restored from a cache), timed.

    The cache goes under bench/out so that the project's .rasa/cache, which `make train`
    relies on, is left as it is.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3",
               RASA_CACHE_DIRECTORY=str(out_dir.parent / "rasa-cache"))
    command = [str(ROOT / ".venv" / "bin" / "rasa"), "train", "--force", *args,
               "--out", str(out_dir), "--fixed-model-name", model_name]
    started = time.perf_counter()
    with log.open("wb") as handle:
        done = subprocess.run(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"rasa train failed ({done.returncode}), see {log}")
    return {"seconds": round(seconds, 1), "source": "timed `rasa train --force` in this run",
            "full": True, "log": str(log.relative_to(ROOT))}


def last_training(log: Path = TRAIN_LOG) -> Optional[dict]:
    """Our last `make train`, from its log: the total the script appends when present, else
    the span of the log's timestamps (which misses the ~10 s of imports before the first line).
    Components restored from Rasa's cache make it a partial training: said in `full`."""
    if not log.exists():
        return None
    text = log.read_text(encoding="utf-8", errors="replace")
    restored = sorted(set(re.findall(r"Restored component '([^']+)'", text)))
    trained = sorted(set(re.findall(r"Finished training component '([^']+)'", text)))
    result: dict = {"full": not restored, "restored_from_cache": restored,
                    "trained": trained, "log": str(log.relative_to(ROOT)),
                    "finished_at": dt.datetime.fromtimestamp(log.stat().st_mtime).isoformat(timespec="seconds")}
    total = _TOTAL.findall(text)
    if total:
        result.update(seconds=float(total[-1]), source="`make train` total (scripts/train_if_needed.sh)")
        return result
    stamps = [dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
              for m in map(_TIMESTAMP.match, text.splitlines()) if m]
    if len(stamps) < 2:
        return None
    result.update(seconds=(stamps[-1] - stamps[0]).total_seconds(),
                  source="span of var/log/train.log timestamps (lower bound: imports excluded)")
    return result
