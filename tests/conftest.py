import itertools

import pytest

from tests.fake_apis import FakeChannelApis
from tests.live_stack import LiveStack

_senders = itertools.count()


@pytest.fixture(scope="session")
def channel_apis():
    """Fake Telegram and Slack APIs the session stack's channels talk to."""
    apis = FakeChannelApis().start()
    yield apis
    apis.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, channel_apis):
    """The real assistant, started once for the whole run (REST, Socket.IO, Telegram, Slack)."""
    live = LiveStack(workdir=tmp_path_factory.mktemp("stack"))
    live.extra_env.update(channel_apis.env(webhook_url=f"{live.base}/webhooks/telegram/webhook"))
    live.start()
    yield live
    live.stop()


@pytest.fixture
def sender(request):
    """A fresh conversation id per test (and per call of the factory)."""
    return f"t{next(_senders)}-{request.node.name[:40]}"
