"""One kept-alive HTTP session per event loop for Rasa's calls to the action server.

Rasa 3.6's `EndpointConfig.request` opens a new `aiohttp.ClientSession`, hence a new TCP
connection, for every custom-action call and closes it afterwards. Every FAQ answer and every
form turn calls the action server, so under load each replica spent ~4 % of its CPU building
sessions and connections (py-spy, bench/PROFILE.md, fourth pass), and the action server as
much accepting them. Here the session an endpoint asks for is created once per event loop and
reused; `async with endpoint.session()` borrows it without closing it.

Idle connections are dropped by the client after 2 s, before the action server (Sanic,
keep-alive 5 s) closes them, so a request never goes out on a socket the server is closing.
When the action server is down or restarted, aiohttp drops the dead connections and the next
call opens a new one (tests/test_prod_turn_guard.py stops and restarts it). The sessions are
closed when the server stops (`close_sessions`).
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, Tuple

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

RASA_SESSION = EndpointConfig.session  # Rasa's own: one new session per call
IDLE_CONNECTION_S = 2.0  # below Sanic's 5 s keep-alive on the action server side

# (event loop, headers, credentials) -> the session shared by the calls made on that loop.
_sessions: Dict[Tuple[asyncio.AbstractEventLoop, str, str], aiohttp.ClientSession] = {}


class _Borrowed:
    """`async with` on a shared session: hands it out, leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_exc: Any) -> bool:
        return False


def session(self: EndpointConfig) -> Any:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not inside a loop (never the case in request()): Rasa's behaviour
        return RASA_SESSION(self)
    # Headers and credentials are fixed per session, so they are part of the key.
    key = (loop, repr(sorted((self.headers or {}).items())), repr(self.basic_auth))
    shared = _sessions.get(key)
    if shared is None or shared.closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
            if self.basic_auth else None
        shared = aiohttp.ClientSession(
            headers=self.headers, auth=auth, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_S),
        )
        _sessions[key] = shared
    return _Borrowed(shared)


async def close_sessions(*_args: Any) -> None:
    """Close this loop's sessions: a Sanic `after_server_stop` listener (serving/guarded_channels.py),
    so that a server stop does not end with aiohttp's "Unclosed client session" errors."""
    loop = asyncio.get_running_loop()
    for key in [key for key in _sessions if key[0] is loop]:
        await _sessions.pop(key).close()


def install() -> None:
    EndpointConfig.session = session
