"""Our assistant as the production profile runs it: N Rasa replicas sharing PostgreSQL and Redis.

One Rasa server is one Python process: under load it keeps one core busy while the second
core of this machine idles (bench/PROFILE.md). The production profile (endpoints.prod.yml:
PostgreSQL tracker store, atomic Redis lock store) lets several replicas serve the same
conversations, so the bench measures it too. The PostgreSQL cluster and Redis server are the
throw-away ones of the tests (tests/prod_services.py). Each REST turn goes to the replica
with the fewest turns in progress, as deploy/nginx.conf's `least_conn` does for webhooks: any
replica can serve any turn of any conversation (the conversation is in PostgreSQL, the Redis
lock orders its turns). A first version kept each conversation on one replica (hash of the
sender id, like Socket.IO's sticky sessions): with 4 users, 3 of them on one replica more often
than not, and that replica's queue made the p95.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from tests.live_stack import ROOT, LiveStack
from serving.action_server import ActionServer
from tests.prod_services import Postgres, Redis, start_services

PROD_ENDPOINTS = ROOT / "endpoints.prod.yml"


@dataclass
class ReplicaSet:
    """Has what bench.run and bench.load use of a LiveStack: start, stop, post, processes."""
    workdir: Path
    count: int = 2
    actions: bool = True  # one shared action server (processes[0]), like make run-prod
    stacks: list = field(default_factory=list)
    postgres: Optional[Postgres] = None
    redis: Optional[Redis] = None
    action_server: Optional[ActionServer] = None
    _in_progress: list = field(default_factory=list)
    _balance: threading.Lock = field(default_factory=threading.Lock)

    @property
    def processes(self) -> list:
        """The action server first, then each replica's Rasa process (RSS is per replica)."""
        found = [self.action_server.process] if self.action_server and self.action_server.process else []
        return found + [stack.processes[-1] for stack in self.stacks if stack.processes]

    def start(self) -> "ReplicaSet":
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self.postgres, self.redis, reason = start_services()
            if reason:
                raise RuntimeError(f"replicas: {reason}")
            self.action_server = ActionServer(log=self.workdir / "actions.log").start()
            env = {**self.postgres.env(), **self.redis.env(), "ACTION_ENDPOINT_URL": self.action_server.url}
            self.stacks = [LiveStack(workdir=self.workdir / f"replica-{i}", actions=False, extra_env=env,
                                     endpoints_text=PROD_ENDPOINTS.read_text(encoding="utf-8"))
                           for i in range(self.count)]
            self._in_progress = [0] * self.count
            errors: list[BaseException] = []

            def start(stack: LiveStack) -> None:
                try:
                    stack.start()
                except BaseException as error:  # noqa: BLE001 - re-raised below
                    errors.append(error)

            # Started together, as an orchestrator would: the start-up time is the slowest one.
            threads = [threading.Thread(target=start, args=(stack,)) for stack in self.stacks]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                raise RuntimeError(f"replicas: {errors[0]}")
        except BaseException:
            self.stop()
            raise
        return self

    def post(self, path: str, payload: Any, timeout: float = 60) -> Any:
        with self._balance:  # least connections
            index = min(range(len(self.stacks)), key=self._in_progress.__getitem__)
            self._in_progress[index] += 1
        try:
            return self.stacks[index].post(path, payload, timeout=timeout)
        finally:
            with self._balance:
                self._in_progress[index] -= 1

    def stop(self) -> None:
        for stack in self.stacks:
            stack.stop()
        if self.action_server:
            self.action_server.stop()
        for service in (self.redis, self.postgres):
            if service is not None:
                service.remove()
