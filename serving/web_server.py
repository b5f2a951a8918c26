"""Static server for the website chat widget (`web/`), standard library only.

Serves the page, the rasa-webchat standalone bundle straight from `node_modules` (installed
from the npm registry by `npm ci`, never from a CDN) and a generated `config.js` that tells
the page which port Rasa's Socket.IO channel listens on.

    .venv/bin/python -m serving.web_server --port 8080 --rasa-port 5005

Only the files listed in `web/` are reachable: no directory listing, nothing else of the
repository (the tracker database lives under `var/`).
"""
from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
WEB_DIR = ROOT / "web"
WEBCHAT_BUNDLE = ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
# The bundle's CSS imports a Google font at run time; the page uses system fonts instead, so
# the import is removed when serving (the CSP below would block it anyway).
GOOGLE_FONT_IMPORT = b"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"


@dataclass(frozen=True)
class WebConfig:
    rasa_port: int
    socket_path: str = "/socket.io/"

    def script(self) -> bytes:
        """`config.js`: the page builds the socket URL from its own host name and this port,
        so that http://localhost:8080 talks to localhost:5005 and 127.0.0.1 to 127.0.0.1."""
        data = {"rasaPort": self.rasa_port, "socketPath": self.socket_path}
        return f"window.ASSISTANT_WEB_CONFIG = {json.dumps(data)};\n".encode("utf-8")

    def content_security_policy(self) -> str:
        hosts = ("localhost", "127.0.0.1")
        sockets = " ".join(f"{scheme}://{host}:{self.rasa_port}"
                           for host in hosts for scheme in ("http", "ws"))
        return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                f"img-src 'self' data:; font-src 'self' data:; connect-src 'self' {sockets}; "
                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def webchat_bundle() -> bytes:
    if not WEBCHAT_BUNDLE.exists():
        raise FileNotFoundError(f"{WEBCHAT_BUNDLE} is missing: run `make install` (npm ci)")
    return WEBCHAT_BUNDLE.read_bytes().replace(GOOGLE_FONT_IMPORT, b"")


class WidgetHandler(SimpleHTTPRequestHandler):
    """Files of `web/` plus two generated paths."""

    def __init__(self, *args, config: WebConfig, bundle: bytes, **kwargs):
        self.config = config
        self.bundle = bundle
        super().__init__(*args, directory=str(WEB_DIR), **kwargs)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.config.content_security_policy())
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        path = self.path.split("?", 1)[0]
        if path == "/config.js":
            self._send(self.config.script(), "text/javascript; charset=utf-8")
        elif path == "/vendor/rasa-webchat.js":
            self._send(self.bundle, "text/javascript; charset=utf-8")
        else:
            super().do_GET()

    def list_directory(self, path):  # no listing of web/
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


WidgetHandler.extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                                ".js": "text/javascript; charset=utf-8",
                                ".css": "text/css; charset=utf-8",
                                ".html": "text/html; charset=utf-8"}


def make_server(host: str, port: int, config: WebConfig) -> ThreadingHTTPServer:
    handler = partial(WidgetHandler, config=config, bundle=webchat_bundle())
    return ThreadingHTTPServer((host, port), handler)


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, WebConfig(rasa_port=args.rasa_port))
    print(f"Widget web : http://{args.host}:{args.port}/ (Rasa sur le port {args.rasa_port})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
