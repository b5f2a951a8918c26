import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_find_python_returns_a_310():
    out = subprocess.run([str(ROOT / "scripts" / "find_python.sh")], capture_output=True, text=True, check=True)
    version = subprocess.run([out.stdout.strip(), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("Python 3.10")


def test_find_python_fails_clearly_without_a_310(tmp_path):
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "find_python.sh")], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "aucun Python 3.10" in result.stderr


def test_install_is_idempotent():
    """A second `make install` finds everything up to date and does nothing."""
    result = subprocess.run(["make", "-q", "install"], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, MAKEFLAGS=""))
    assert result.returncode == 0, result.stdout + result.stderr
