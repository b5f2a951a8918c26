"""Check, before the replicas start, that PostgreSQL and Redis answer with the given settings.

Rasa's SQL tracker store retries a missing database forever (every 5 s, one log line each), so
a wrong password or host would look like a server that never starts. This check says in
French which back-end is wrong, with the settings used (never the password), and exits 1.

    .venv/bin/python -m serving.prod_check     # reads the same variables as endpoints.prod.yml
"""
from __future__ import annotations

import os
import sys
from typing import Mapping, Optional


def postgres_problem(env: Mapping[str, str]) -> Optional[str]:
    import psycopg2

    where = f"{env['POSTGRES_USER']}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DB']}"
    try:
        psycopg2.connect(host=env["POSTGRES_HOST"], port=int(env["POSTGRES_PORT"]), user=env["POSTGRES_USER"],
                         password=env["POSTGRES_PASSWORD"], dbname=env["POSTGRES_DB"], connect_timeout=5).close()
    except psycopg2.Error as error:
        return f"PostgreSQL injoignable ({where}) : {str(error).strip().splitlines()[0]}"
    return None


def redis_problem(env: Mapping[str, str]) -> Optional[str]:
    import redis

    where = f"{env['REDIS_HOST']}:{env['REDIS_PORT']} (base {env['REDIS_DB']})"
    try:
        redis.Redis(host=env["REDIS_HOST"], port=int(env["REDIS_PORT"]), db=int(env["REDIS_DB"]),
                    password=env.get("REDIS_PASSWORD") or None, socket_timeout=5).ping()
    except redis.RedisError as error:
        return f"Redis injoignable ({where}) : {error}"
    return None


def main(env: Mapping[str, str] = os.environ) -> int:
    problems = [p for p in (postgres_problem(env), redis_problem(env)) if p]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
