"""Rasa's own conversation tests: the stories under tests/stories must be predicted exactly."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_test_stories_pass(tmp_path):
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "test", "core", "--stories", "tests/stories",
         "--model", "models/assistant.tar.gz", "--out", str(tmp_path), "--fail-on-prediction-errors"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env=dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3"),
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:] + details
