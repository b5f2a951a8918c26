"""Security of a running assistant: API token, bind addresses, personal data, secrets.

The live tests use the servers started once for the run (``stack``: API behind a random
token, both servers on the loopback, as `scripts/run.sh` starts them). How run.sh builds its
command lines is checked without starting Rasa, with a stand-in ``rasa`` executable.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from serving.input_guard import MAX_CHARS
from tests.live_stack import ROOT, free_port, reply_text


def http_status(url: str, data: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# --- (a) the HTTP API needs the token ----------------------------------------------------

@pytest.mark.parametrize("path, data", [
    ("/status", None),
    ("/conversations/{sender}/tracker", None),
    ("/conversations/{sender}/tracker/events", b'{"event": "restart"}'),
    ("/model/parse", b'{"text": "bonjour"}'),
])
def test_api_answers_only_with_the_token(stack, sender, path, data):
    stack.say(sender, "bonjour")
    url = stack.base + path.format(sender=sender)
    assert http_status(url, data) in (401, 403)
    assert http_status(f"{url}?token={secrets.token_hex(16)}", data) in (401, 403)
    assert http_status(f"{url}?token=", data) in (401, 403)
    assert http_status(f"{url}?token={stack.token}", data) == 200


def test_api_refusal_leaves_the_conversation_untouched(stack, sender):
    stack.say(sender, "bonjour")
    before = stack.tracker(sender)["events"]
    http_status(f"{stack.base}/conversations/{sender}/tracker/events?token=wrong", b'{"event": "restart"}')
    assert stack.tracker(sender)["events"] == before


# --- (a) both servers listen on the loopback only ----------------------------------------

def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (Linux /proc/net/tcp*)."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                addresses.add(address)
    return addresses


def _non_loopback_addresses() -> list[str]:
    try:
        output = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        output = ""
    found = set(output.split())
    try:
        found |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    except socket.gaierror:
        pass
    return sorted(a for a in found if not a.startswith("127.") and a != "::1" and not a.startswith("fe80"))


def test_servers_listen_on_the_loopback_only(stack):
    for port in (stack.rasa_port, stack.actions_port):
        assert _listening_addresses(port) == {"0100007F"}, port  # 127.0.0.1, little-endian hex


def test_servers_refuse_connections_on_other_addresses(stack):
    for port in (stack.rasa_port, stack.actions_port):
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass  # reachable where it should be
        for address in _non_loopback_addresses():
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.settimeout(10)
                with pytest.raises(OSError):
                    sock.connect((address, port))


# --- (a) scripts/run.sh: API only with RASA_AUTH_TOKEN, loopback by default --------------

_FAKE_RASA = """#!{python}
# Stand-in for .venv/bin/rasa: records its command line, and for `rasa run` answers HTTP 200.
import http.server, json, os, sys, time
args = sys.argv[1:]
record = {{"args": args, "SANIC_HOST": os.environ.get("SANIC_HOST")}}
name = "actions" if args[:2] == ["run", "actions"] else args[0] if args else "none"
with open(os.path.join(os.environ["FAKE_RASA_RECORDS"], name + ".json"), "w") as out:
    json.dump(record, out)
if args[:1] == ["run"] and name != "actions":
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"{{}}")
        def log_message(self, *a):
            pass
    http.server.HTTPServer((args[args.index("-i") + 1], int(args[args.index("-p") + 1])), Ok).serve_forever()
while True:
    time.sleep(60)
"""


def _fake_checkout(tmp_path: Path) -> Path:
    """The repository seen through symlinks, with a stand-in `rasa` in .venv/bin."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in {".venv", "var", ".git"}:
            (checkout / entry.name).symlink_to(entry)
    venv_bin = checkout / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    for entry in (ROOT / ".venv").iterdir():
        if entry.name != "bin":
            (checkout / ".venv" / entry.name).symlink_to(entry)
    for entry in (ROOT / ".venv" / "bin").iterdir():
        if entry.name != "rasa":
            (venv_bin / entry.name).symlink_to(entry)
    fake = venv_bin / "rasa"
    fake.write_text(_FAKE_RASA.format(python=sys.executable))
    fake.chmod(0o755)
    return checkout


def _run_sh_command_lines(tmp_path: Path, **env: str) -> dict:
    checkout = _fake_checkout(tmp_path)
    records = tmp_path / "records"
    records.mkdir()
    full_env = {k: v for k, v in os.environ.items() if k not in {"RASA_AUTH_TOKEN", "RASA_HOST", "ACTIONS_HOST"}}
    full_env.update(FAKE_RASA_RECORDS=str(records), RASA_PORT=str(free_port()), WEB_PORT=str(free_port()),
                    ACTIONS_PORT=str(free_port()), **env)
    process = subprocess.Popen(["bash", str(checkout / "scripts" / "run.sh")], cwd=tmp_path, env=full_env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not {"run.json", "actions.json"} <= {p.name for p in records.iterdir()}:
            if process.poll() is not None:
                break
            time.sleep(0.2)
        time.sleep(0.5)  # let the files be complete
        return {p.stem: json.loads(p.read_text()) for p in records.glob("*.json")}
    finally:
        process.send_signal(signal.SIGTERM)  # run.sh's trap stops its servers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_run_sh_keeps_the_api_off_and_binds_the_loopback_by_default(tmp_path):
    lines = _run_sh_command_lines(tmp_path)
    rasa, actions = lines["run"]["args"], lines["actions"]
    assert "--enable-api" not in rasa and "--auth-token" not in rasa
    assert rasa[rasa.index("-i") + 1] == "127.0.0.1"
    assert actions["SANIC_HOST"] == "127.0.0.1"


def test_run_sh_points_rasa_at_the_action_server_port_it_started(tmp_path):
    lines = _run_sh_command_lines(tmp_path)
    rasa, actions = lines["run"]["args"], lines["actions"]["args"]
    port = actions[actions.index("--port") + 1]
    endpoints = (tmp_path / "checkout" / rasa[rasa.index("--endpoints") + 1]).read_text()
    assert f"url: http://127.0.0.1:{port}/webhook" in endpoints
    assert port != "5055"  # the test picks a free port, so the default would be wrong


def test_run_sh_opens_the_api_behind_the_token_from_the_environment(tmp_path):
    token = secrets.token_hex(16)
    lines = _run_sh_command_lines(tmp_path, RASA_AUTH_TOKEN=token)
    rasa = lines["run"]["args"]
    assert "--enable-api" in rasa and rasa[rasa.index("--auth-token") + 1] == token


# --- (b) personal data never reaches the tracker store or the logs -----------------------

NIR = "2690549588157" + f"{97 - 2690549588157 % 97:02d}"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
EMAIL = "paul.durand+urssaf@exemple.org"
PHONE = "+33 6 98 76 54 32"


def _variants(value: str) -> set[str]:
    compact = re.sub(r"[ .\-]", "", value)
    return {value, compact, compact.lower()}


def test_personal_data_is_never_stored_or_logged(stack, sender):
    """One conversation, each kind of data typed several ways, even in metadata and in a
    message cut at the length limit; then every column of every table and every log."""
    nir_spaced = f"{NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}"
    messages = [
        f"bonjour, mon numéro de sécu est {NIR}, mon IBAN {IBAN}, mail {EMAIL}, tél {PHONE}",
        f"mon nir : {nir_spaced}",
        f"iban {IBAN.replace(' ', '')} et {EMAIL.upper()}",
        "rappelez-moi au " + PHONE.replace("+33 ", "0").replace(" ", "."),
        "x " * ((MAX_CHARS - 12) // 2) + f"mon numéro {nir_spaced} voilà",
    ]
    for message in messages:
        assert reply_text(stack.say(sender, message)).strip()
    stack.post("/webhooks/rest/webhook", {"sender": sender, "message": "merci",
                                           "metadata": {"email": EMAIL, "note": f"sécu {NIR}"}})
    raw_values = set().union(*(_variants(v) for v in [NIR, nir_spaced, IBAN, EMAIL, PHONE]))
    raw_values |= {EMAIL.upper(), NIR[:13], "6 98 76 54 32", "06.98.76.54.32", "0698765432"}

    with sqlite3.connect(stack.tracker_db) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type = 'table'")]
        cells = [str(cell) for table in tables for row in db.execute(f'select * from "{table}"') for cell in row]
    stored = "\n".join(cells)
    assert sender in stored and "masqu" in stored  # the conversation is there, masked
    files = [p for p in stack.workdir.iterdir() if p.name.startswith("tracker.db")]
    texts = {"tracker rows": stored, "tracker API": json.dumps(stack.tracker(sender), ensure_ascii=False)}
    for path in files + [stack.rasa_log, stack.actions_log]:
        texts[path.name] = path.read_bytes().decode("utf-8", "replace")
    for where, text in texts.items():
        folded = text.lower()
        for value in raw_values:
            assert value.lower() not in folded, f"{value!r} found in {where}"


# --- (c) no secret is committed -----------------------------------------------------------

_SECRET_PATTERNS = {
    "Slack token": r"\bxox[abposr]-\d{6,}-[0-9A-Za-z-]{20,}",
    "Telegram bot token": r"\b\d{8,10}:AA[0-9A-Za-z_-]{33}\b",
    "GitHub token": r"\bgh[pousr]_[0-9A-Za-z]{36}\b",
    "AWS key": r"\bAKIA[0-9A-Z]{16}\b",
    "Google API key": r"\bAIza[0-9A-Za-z_-]{35}\b",
    "private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
}
_SECRET_KEY = re.compile(r"token|secret|password|passwd|api_?key|private_?key|signing", re.IGNORECASE)
_ENV_REFERENCE = re.compile(r"^\$\{[A-Z][A-Z0-9_]*\}$")
_SKIPPED_DIRS = {".git", ".venv", "node_modules", "models", "var", "__pycache__", ".pytest_cache", ".rasa",
                 "results", ".hypothesis"}


def _repository_files() -> list[Path]:
    """Files git would commit (tracked or not ignored); a plain walk without git."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, timeout=60, check=True).stdout
        paths = [ROOT / name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.SubprocessError):
        paths = []
        for directory, dirs, names in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
            paths.extend(Path(directory) / name for name in names)
    return [p for p in paths if p.is_file() and not p.is_symlink() and p.stat().st_size < 5_000_000]


def test_secret_patterns_catch_real_token_shapes():
    """Built at run time, so that this file does not hold a match itself."""
    samples = {
        "Slack token": "xoxb-" + "1" * 12 + "-" + "2" * 13 + "-" + "aB3" * 8,
        "Telegram bot token": "1234567890:AA" + "x_Y-z" * 6 + "abc",
        "GitHub token": "ghp_" + "A1b2" * 9,
        "AWS key": "AKIA" + "ABCD2345" * 2,
        "Google API key": "AIza" + "Sy" + "a1B2c-" * 5 + "xyz",
        "private key": "-----BEGIN " + "RSA PRIVATE KEY-----",
    }
    assert samples.keys() == _SECRET_PATTERNS.keys()
    for label, sample in samples.items():
        assert re.search(_SECRET_PATTERNS[label], f"token = {sample}\n"), label
    assert not re.search(_SECRET_PATTERNS["Slack token"], "xoxb-local-test-token")


def test_no_secret_in_the_repository():
    files = _repository_files()
    assert ROOT / "credentials.yml" in files
    found = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "ignore")
        for label, pattern in _SECRET_PATTERNS.items():
            if re.search(pattern, text):
                found.append(f"{label} in {path.relative_to(ROOT)}")
        if path.name.startswith(".env") and path.name != ".env.example":
            found.append(f"environment file {path.relative_to(ROOT)}")
    assert not found, found


def _secret_values(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if _SECRET_KEY.search(str(key)) and not isinstance(value, (dict, list)):
                yield f"{path}{key}", value
            yield from _secret_values(value, f"{path}{key}.")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _secret_values(value, f"{path}{index}.")


def test_channel_and_endpoint_files_hold_only_environment_references():
    configs = [ROOT / "credentials.yml", *ROOT.glob("endpoints*.yml")]
    for path in configs:
        for key, value in _secret_values(yaml.safe_load(path.read_text(encoding="utf-8")) or {}):
            assert value is None or _ENV_REFERENCE.match(str(value)), f"{path.name}: {key} is not a ${{VAR}}"
