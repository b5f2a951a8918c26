import itertools

import pytest

from tests.live_stack import LiveStack

_senders = itertools.count()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real assistant, started once for the whole run."""
    live = LiveStack(workdir=tmp_path_factory.mktemp("stack")).start()
    yield live
    live.stop()


@pytest.fixture
def sender(request):
    """A fresh conversation id per test (and per call of the factory)."""
    return f"t{next(_senders)}-{request.node.name[:40]}"
