"""The widget's static server (serving/web_server.py) without a browser: what it serves and
what it refuses."""
from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest

from serving.web_server import GOOGLE_FONT_IMPORT, WEBCHAT_BUNDLE, WebConfig, make_server

pytestmark = pytest.mark.skipif(not WEBCHAT_BUNDLE.exists(), reason="npm ci not run (no node_modules)")


@pytest.fixture(scope="module")
def base():
    server = make_server("127.0.0.1", 0, WebConfig(rasa_port=5123))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def status(url: str) -> int:
    try:
        return get(url)[0]
    except urllib.error.HTTPError as error:
        return error.code


def test_page_config_and_bundle(base):
    code, headers, body = get(f"{base}/")
    assert code == 200 and b'<html lang="fr">' in body
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "ws://127.0.0.1:5123" in csp and "ws://localhost:5123" in csp
    assert get(f"{base}/config.js")[2] == b'window.ASSISTANT_WEB_CONFIG = {"rasaPort": 5123, "socketPath": "/socket.io/"};\n'
    bundle = get(f"{base}/vendor/rasa-webchat.js")[2]
    assert b"WebChat" in bundle
    # The bundle's only run-time fetch from the internet (a Google font) is removed.
    assert GOOGLE_FONT_IMPORT in WEBCHAT_BUNDLE.read_bytes() and b"fonts.googleapis.com" not in bundle


def test_nothing_outside_web_is_served(base):
    assert status(f"{base}/widget.js") == 200
    assert status(f"{base}/") == 200
    for path in ("/../README.md", "/%2e%2e/README.md", "/..%2fvar/tracker.db", "/vendor/",
                 "/node_modules/rasa-webchat/package.json", "/missing.js"):
        assert status(f"{base}{path}") == 404, path
