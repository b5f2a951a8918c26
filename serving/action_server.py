"""The project's action server as a child process: the support shell, the tests and the bench.

``rasa run actions`` (rasa-sdk 3.6) has no ``--host`` option and listens on every interface
unless ``SANIC_HOST`` says otherwise: it is started on the loopback, as scripts/run.sh does,
in its own process group so that stopping it also stops its children.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ActionServer:
    log: Path
    port: int = field(default_factory=free_port)
    process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def launch(self) -> "ActionServer":
        """Start it without waiting (the caller may load a model meanwhile): see ``wait_ready``."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="3", SANIC_HOST="127.0.0.1")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "rasa", "run", "actions", "--port", str(self.port), "--actions", "actions"],
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        return self

    def ready(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"le serveur d'actions s'est arrêté, voir {self.log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=3) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready():
                return
            time.sleep(0.3)
        raise RuntimeError(f"serveur d'actions pas prêt après {timeout:.0f} s, voir {self.log}")

    def start(self, timeout: float = 180) -> "ActionServer":
        self.launch().wait_ready(timeout)
        return self

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
