"""scripts/run_prod.sh refuses to start, in French and before loading any model, when a
setting is missing or a back-end does not answer (Rasa itself would retry PostgreSQL forever)."""
import os
import subprocess

from tests.live_stack import ROOT, free_port

SCRIPT = str(ROOT / "scripts" / "run_prod.sh")


def run(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "REDIS_", "RASA_REPLICAS"))}
    return subprocess.run([SCRIPT], cwd=ROOT, env=dict(base, PROD_RUN_DIR=str(tmp_path), **env),
                          capture_output=True, text=True, timeout=120)


def test_password_is_required(tmp_path):
    result = run(tmp_path)
    assert result.returncode == 2 and "POSTGRES_PASSWORD" in result.stderr


def test_replica_count_must_be_a_positive_integer(tmp_path):
    result = run(tmp_path, POSTGRES_PASSWORD="x", RASA_REPLICAS="0")
    assert result.returncode == 2 and "RASA_REPLICAS" in result.stderr


def test_unreachable_backends_are_named_without_the_password(tmp_path):
    result = run(tmp_path, POSTGRES_PASSWORD="s3cret-value", POSTGRES_PORT=str(free_port()),
                 REDIS_PORT=str(free_port()))
    assert result.returncode == 1
    assert "PostgreSQL injoignable" in result.stderr and "Redis injoignable" in result.stderr
    assert "s3cret-value" not in result.stdout + result.stderr
    assert not list(tmp_path.glob("*.pid"))  # nothing was started
