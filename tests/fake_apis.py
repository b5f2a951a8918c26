"""Local stand-ins for the Telegram Bot API and the Slack Web API, recording every call.

Each fake runs an HTTP server on a free 127.0.0.1 port in a thread of the test process and
answers like the real API for the methods the connectors use, so the real Rasa server can be
pointed at it (TELEGRAM_API_URL, SLACK_API_URL) and the tests can read what it sent.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional


@dataclass(frozen=True)
class Call:
    method: str  # API method: sendMessage, chat.postMessage...
    path: str
    headers: Dict[str, str]
    body: Dict[str, Any]  # JSON body, or form fields (one value each)


def parse_body(content_type: str, raw: bytes) -> Dict[str, Any]:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        return json.loads(raw.decode("utf-8") or "{}")
    if kind == "application/x-www-form-urlencoded":
        return {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
    return {"_raw": raw.decode("utf-8", "replace")} if raw else {}


class FakeApi:
    """One fake API server; subclasses say how a method call is answered."""

    def __init__(self) -> None:
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = parse_body(self.headers.get("Content-Type", ""), self.rfile.read(length))
                status, answer = fake.handle(self.path, dict(self.headers), body)
                payload = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def calls_to(self, method: str) -> List[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, where: Callable[[Call], bool] = lambda c: True,
                 count: int = 1, deadline: float = 90) -> List[Call]:
        """The first `count` calls of `method` matching `where`, polling until they arrive.

        The deadline only bounds a broken run (the bot never answers); it is not what is tested.
        """
        end = time.monotonic() + deadline
        while True:
            found = [c for c in self.calls_to(method) if where(c)]
            if len(found) >= count:
                return found[:count]
            if time.monotonic() > end:
                raise AssertionError(f"{count} call(s) to {method} expected, got {len(found)}: "
                                     f"{[c.body for c in self.calls_to(method)][-5:]}")
            time.sleep(0.1)

    def handle(self, path: str, headers: Dict[str, str], body: Dict[str, Any]) -> tuple[int, Dict[str, Any]]:
        raise NotImplementedError


@dataclass
class _Counter:
    value: int = 0

    def next(self) -> int:
        self.value += 1
        return self.value


class FakeTelegram(FakeApi):
    """`/bot<token>/<method>`; getMe, setWebhook, sendMessage, answerCallbackQuery."""

    def __init__(self, token: str, username: str) -> None:
        super().__init__()
        self.token = token
        self.username = username
        self.bot_id = int(token.split(":")[0])
        self._ids = _Counter()

    def handle(self, path: str, headers: Dict[str, str], body: Dict[str, Any]) -> tuple[int, Dict[str, Any]]:
        prefix, _, method = path.lstrip("/").partition("/")
        if prefix != f"bot{self.token}":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        self.record(Call(method, path, headers, body))
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": self.bot_id, "is_bot": True, "first_name": "Assistant",
                                                "username": self.username}}
        if method in ("setWebhook", "deleteWebhook", "answerCallbackQuery"):
            return 200, {"ok": True, "result": True}
        if method == "sendMessage":
            message = {"message_id": self._ids.next(), "date": int(time.time()),
                       "chat": {"id": int(body["chat_id"]), "type": "private"},
                       "from": {"id": self.bot_id, "is_bot": True, "first_name": "Assistant"},
                       "text": body.get("text", "")}
            return 200, {"ok": True, "result": message}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


class FakeSlack(FakeApi):
    """`/api/<method>`; chat.postMessage and auth.test, with the bot token checked."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._ids = _Counter()

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def handle(self, path: str, headers: Dict[str, str], body: Dict[str, Any]) -> tuple[int, Dict[str, Any]]:
        method = path.split("?")[0].rsplit("/", 1)[-1]
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}
        self.record(Call(method, path, headers, body))
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{self._ids.next():06d}"
            return 200, {"ok": True, "channel": body.get("channel"), "ts": ts,
                         "message": {"type": "message", "text": body.get("text"), "ts": ts}}
        if method == "auth.test":
            return 200, {"ok": True, "user_id": "UBOT", "team_id": "T1"}
        return 200, {"ok": False, "error": "unknown_method"}


@dataclass
class FakeChannelApis:
    """Both fakes, and the environment that opens our channels against them."""

    telegram_token: str = "123456789:TEST-fake-token_for-local-tests"
    telegram_bot: str = "assistant_independants_bot"
    telegram_secret: str = "local-test-secret_0123456789"
    slack_token: str = "xoxb-local-test-token"
    slack_signing_secret: str = "local-test-signing-secret"
    telegram: Optional[FakeTelegram] = field(default=None, init=False)
    slack: Optional[FakeSlack] = field(default=None, init=False)

    def start(self) -> "FakeChannelApis":
        self.telegram = FakeTelegram(self.telegram_token, self.telegram_bot).start()
        self.slack = FakeSlack(self.slack_token).start()
        return self

    def stop(self) -> None:
        for fake in (self.telegram, self.slack):
            if fake is not None:
                fake.stop()

    def env(self, webhook_url: str) -> Dict[str, str]:
        return {
            "TELEGRAM_TOKEN": self.telegram_token,
            "TELEGRAM_BOT_NAME": self.telegram_bot,
            "TELEGRAM_SECRET_TOKEN": self.telegram_secret,
            "TELEGRAM_WEBHOOK_URL": webhook_url,
            "TELEGRAM_API_URL": self.telegram.base,
            "SLACK_TOKEN": self.slack_token,
            "SLACK_SIGNING_SECRET": self.slack_signing_secret,
            "SLACK_API_URL": self.slack.api_url,
        }
