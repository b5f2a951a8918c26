"""Start the real action server and Rasa server once, and talk to them over HTTP.

Used by the end-to-end tests (one start per pytest run, ~40 s) and by scripts that need a
live assistant. The servers run from the repository exactly as `make run` starts them, but
on free ports, with the API enabled behind a random token, and with their own SQLite
tracker and logs in a temporary folder.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from serving.action_server import free_port
from serving.credentials import CHANNEL_VARIABLES, write as write_credentials

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"




@dataclass
class LiveStack:
    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    extra_env: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)
    # Port of the website widget's page (tests/test_web_widget.py): Rasa allows its origin
    # (--cors), as `make run` allows http://localhost:8080.
    web_port: int = field(default_factory=free_port)
    # The benchmark also drives a bare Rasa assistant: another model, no action server, and
    # its own endpoints.yml text (None: our action server + redacting SQLite tracker); its
    # profiler needs the action server alone (model None: no Rasa server).
    model: Optional[Path] = MODEL
    actions: bool = True
    endpoints_text: Optional[str] = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_origins(self) -> tuple[str, str]:
        return f"http://127.0.0.1:{self.web_port}", f"http://localhost:{self.web_port}"

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.db"

    @property
    def credentials(self) -> Path:
        """credentials.yml plus the channels extra_env configures (serving/credentials.py)."""
        return self.workdir / "credentials.yml"

    @property
    def rasa_log(self) -> Path:
        return self.workdir / "rasa.log"

    @property
    def actions_log(self) -> Path:
        return self.workdir / "actions.log"

    def start(self, timeout: float = 240) -> "LiveStack":
        if self.model is not None and not self.model.exists():
            raise RuntimeError(f"no trained model at {self.model}: run `make train`")
        self.workdir.mkdir(parents=True, exist_ok=True)
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            self.endpoints_text if self.endpoints_text is not None else
            f"action_endpoint:\n  url: http://127.0.0.1:{self.actions_port}/webhook\n"
            "tracker_store:\n  type: serving.tracker_store.RedactingSQLTrackerStore\n"
            f"  dialect: sqlite\n  db: {self.tracker_db}\n",
            encoding="utf-8",
        )
        # Channels are opened from extra_env only, never from the developer's own bot tokens.
        inherited = {k: v for k, v in os.environ.items() if k not in CHANNEL_VARIABLES}
        env = dict(inherited, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3",
                   SQLALCHEMY_SILENCE_UBER_WARNING="1", PYTHONUNBUFFERED="1", **self.extra_env)
        rasa = str(ROOT / ".venv" / "bin" / "rasa")
        write_credentials(ROOT / "credentials.yml", self.credentials, env)  # as scripts/run.sh does
        if self.actions:
            with self.actions_log.open("ab") as log:
                self.processes.append(subprocess.Popen(
                    [rasa, "run", "actions", "--port", str(self.actions_port), "--actions", "actions"],
                    # rasa-sdk binds to $SANIC_HOST (default 0.0.0.0): loopback only, as run.sh.
                    cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=dict(env, SANIC_HOST="127.0.0.1"),
                    start_new_session=True))
        if self.model is not None:
            with self.rasa_log.open("ab") as log:
                self.processes.append(subprocess.Popen(
                    [rasa, "run", "-m", str(self.model), "-i", "127.0.0.1", "-p", str(self.rasa_port),
                     "--enable-api", "--auth-token", self.token, "--endpoints", str(endpoints),
                     "--credentials", str(self.credentials), "--log-file", str(self.rasa_log),
                     "--cors", *self.web_origins],
                    cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True))
        deadline = time.time() + timeout
        while time.time() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a server exited at start; see {self.workdir}")
            rasa_up = self.model is None or self._up(f"{self.base}/status?token={self.token}")
            actions_up = not self.actions or self._up(f"http://127.0.0.1:{self.actions_port}/health")
            if rasa_up and actions_up:
                return self
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"servers not ready after {timeout} s; see {self.workdir}")

    @staticmethod
    def _up(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def post(self, path: str, payload: Any, timeout: float = 60) -> Any:
        separator = "&" if "?" in path else "?"
        request = urllib.request.Request(
            f"{self.base}{path}{separator}token={self.token}",
            data=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8") or "null")

    def get(self, path: str, timeout: float = 30) -> Any:
        separator = "&" if "?" in path else "?"
        with urllib.request.urlopen(f"{self.base}{path}{separator}token={self.token}", timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8") or "null")

    def say(self, sender: str, message: str) -> list[dict]:
        """Send one user message over the REST channel; the bot's messages."""
        return self.post("/webhooks/rest/webhook", {"sender": sender, "message": message})

    def parse(self, text: str) -> dict:
        return self.post("/model/parse", {"text": text})

    def tracker(self, sender: str) -> dict:
        return self.get(f"/conversations/{sender}/tracker?include_events=ALL")


def reply_text(messages: list[dict]) -> str:
    """Everything the bot showed: texts and button titles, one per line."""
    parts: list[str] = []
    for message in messages:
        if message.get("text"):
            parts.append(message["text"])
        parts.extend(str(b.get("title", "")) for b in message.get("buttons") or [])
    return "\n".join(parts)


def buttons(messages: list[dict]) -> list[dict]:
    return [b for message in messages for b in message.get("buttons") or []]
