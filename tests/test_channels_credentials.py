"""serving/credentials.py opens a channel only when all its variables are set, never writes a secret."""
import yaml

from serving import credentials
from serving.credentials import SLACK, TELEGRAM, build, write

BASE = {"rest": None, "socketio": {"user_message_evt": "user_uttered"}}
TELEGRAM_ENV = {"TELEGRAM_TOKEN": "123:secret-token", "TELEGRAM_SECRET_TOKEN": "s3cret"}
SLACK_ENV = {"SLACK_TOKEN": "xoxb-secret", "SLACK_SIGNING_SECRET": "signing-secret"}


def test_no_variable_keeps_the_committed_channels_only():
    result, notes = build(BASE, {})
    assert result == BASE
    assert notes == ["Telegram : non configuré (TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN).",
                     "Slack : non configuré (SLACK_TOKEN, SLACK_SIGNING_SECRET)."]


def test_channels_refer_to_variables_not_values():
    env = {**TELEGRAM_ENV, **SLACK_ENV, "TELEGRAM_WEBHOOK_URL": "https://bot.example.fr/webhooks/telegram/webhook",
           "TELEGRAM_API_URL": "", "SLACK_API_URL": "http://127.0.0.1:9/api/"}
    result, notes = build(BASE, env)
    assert result[TELEGRAM.key] == {"access_token": "${TELEGRAM_TOKEN}", "secret_token": "${TELEGRAM_SECRET_TOKEN}",
                                    "webhook_url": "${TELEGRAM_WEBHOOK_URL}"}  # empty variable = unset
    assert result[SLACK.key] == {"slack_token": "${SLACK_TOKEN}", "slack_signing_secret": "${SLACK_SIGNING_SECRET}",
                                 "api_url": "${SLACK_API_URL}"}
    assert result["rest"] is None and result["socketio"] == BASE["socketio"]
    assert notes == ["Telegram : ouvert (/webhooks/telegram/webhook).", "Slack : ouvert (/webhooks/slack/webhook)."]


def test_a_half_configured_channel_is_not_opened_and_says_what_is_missing():
    result, notes = build(BASE, {"TELEGRAM_TOKEN": "123:abc", "SLACK_SIGNING_SECRET": "x"})
    assert TELEGRAM.key not in result and SLACK.key not in result
    assert notes == ["Telegram : NON ouvert, il manque TELEGRAM_SECRET_TOKEN.",
                     "Slack : NON ouvert, il manque SLACK_TOKEN."]


def test_written_file_has_no_secret_and_rasa_reads_it(tmp_path, monkeypatch):
    target = tmp_path / "var" / "credentials.yml"
    write(credentials.ROOT / "credentials.yml", target, {**TELEGRAM_ENV, **SLACK_ENV})
    text = target.read_text(encoding="utf-8")
    for value in [*TELEGRAM_ENV.values(), *SLACK_ENV.values()]:
        assert value not in text
    committed = yaml.safe_load((credentials.ROOT / "credentials.yml").read_text(encoding="utf-8"))
    for key in committed:
        assert key in yaml.safe_load(text)
    # Rasa substitutes the variables when it reads the file.
    from rasa.shared.utils.io import read_config_file
    for name, value in {**TELEGRAM_ENV, **SLACK_ENV}.items():
        monkeypatch.setenv(name, value)
    read = read_config_file(target)
    assert read[TELEGRAM.key]["access_token"] == "123:secret-token"
    assert read[SLACK.key]["slack_signing_secret"] == "signing-secret"


def test_command_line_writes_the_file(tmp_path, monkeypatch, capsys):
    for name in credentials.CHANNEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "abc")
    target = tmp_path / "credentials.yml"
    assert credentials.main(["--output", str(target)]) == 0
    assert SLACK.key in yaml.safe_load(target.read_text(encoding="utf-8"))
    assert "Slack : ouvert" in capsys.readouterr().out
