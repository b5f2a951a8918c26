"""Throw-away PostgreSQL and Redis servers for the scale-out tests (Debian packages).

Each server runs from a fresh temporary folder on a free port of 127.0.0.1, with a random
password, and is stopped and removed at the end. PostgreSQL refuses to run as root, so as
root its files belong to the `postgres` system user and its commands run as that user.
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from tests.live_stack import free_port

INSTALL_HINT = "scripts/install_system_deps.sh (lancé par `make test`, en root)"


def postgres_bin_dir() -> Optional[Path]:
    """Where initdb and pg_ctl are: Debian keeps them out of the PATH, per major version."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def missing_packages() -> list[str]:
    missing = []
    if postgres_bin_dir() is None:
        missing.append("postgresql")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing


def _ensure_packages() -> Optional[str]:
    """Install what is missing with the project's script; the reason to skip, if any remains."""
    if missing_packages():
        script = Path(__file__).resolve().parent.parent / "scripts" / "install_system_deps.sh"
        subprocess.run([str(script)], check=False)
    missing = missing_packages()
    return f"paquets Debian absents et non installables : {', '.join(missing)} ({INSTALL_HINT})" if missing else None


def _wait(check, what: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} not ready after {timeout} s")


@dataclass
class Postgres:
    port: int = field(default_factory=free_port)
    user: str = "rasa"
    db: str = "rasa"
    password: str = field(default_factory=lambda: secrets.token_hex(12))
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pg-")))

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str, env: Optional[dict] = None, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if os.geteuid() == 0:  # initdb / postgres refuse root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd=self.root,
                              env=dict(os.environ, **(env or {})))

    def init(self) -> "Postgres":
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        bin_dir = postgres_bin_dir()
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
        self._run(str(bin_dir / "initdb"), "-D", str(self.data), "-U", self.user, "--pwfile", str(pwfile),
                  "-A", "scram-sha-256", "-E", "UTF8", "--locale", "C")
        pwfile.unlink()
        self.start()
        self._run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, self.db,
                  env={"PGPASSWORD": self.password})
        return self

    def start(self) -> None:
        self._run(str(postgres_bin_dir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-w", "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1", "start")
        _wait(self.ready, "PostgreSQL")

    def stop(self) -> None:
        self._run(str(postgres_bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def ready(self) -> bool:
        return self._run(str(postgres_bin_dir() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port),
                         check=False).returncode == 0

    def query(self, sql: str, *params) -> list[tuple]:
        import psycopg2  # a Rasa dependency (SQL tracker store)

        with psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                              dbname=self.db) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        connection.close()
        return rows

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self) -> dict[str, str]:
        return {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(self.port), "POSTGRES_DB": self.db,
                "POSTGRES_USER": self.user, "POSTGRES_PASSWORD": self.password}


@dataclass
class Redis:
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_hex(12))
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="redis-")))
    process: Optional[subprocess.Popen] = None

    def start(self) -> "Redis":
        config = self.root / "redis.conf"
        # A config file rather than arguments: the password must not show in `ps`.
        config.write_text(f"port {self.port}\nbind 127.0.0.1\ndir {self.root}\nsave \"\"\nappendonly no\n"
                          f"requirepass {self.password}\nlogfile {self.root / 'redis.log'}\n")
        self.process = subprocess.Popen([shutil.which("redis-server"), str(config)], cwd=self.root,
                                        start_new_session=True)
        _wait(self.ready, "Redis")
        return self

    def client(self):
        import redis  # a Rasa dependency (Redis lock store)

        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password, db=1)

    def ready(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self) -> dict[str, str]:
        return {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.port), "REDIS_PASSWORD": self.password,
                "REDIS_DB": "1"}


def consecutive_free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (scripts/run_prod.sh numbers its replicas so)."""
    import socket

    for _ in range(50):
        first = free_port()
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} consecutive free ports")


def start_services() -> tuple[Optional[Postgres], Optional[Redis], Optional[str]]:
    """Both servers running, or the reason why the Debian packages are not there."""
    reason = _ensure_packages()
    if reason:
        return None, None, reason
    postgres = Postgres().init()
    try:
        redis_server = Redis().start()
    except Exception:
        postgres.remove()
        raise
    return postgres, redis_server, None
