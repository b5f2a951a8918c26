"""serving/lock_store.py on a real Redis: replicas racing on one conversation never share a ticket.

Rasa's RedisLockStore issues tickets with GET then SET, so two replicas can both get ticket 0
and run the same conversation at once (tests/test_prod_scaleout.py lost a user message that
way). Here several stores, as several replicas would, issue and release tickets of the same
conversation from many threads at once.
"""
import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.utils.endpoints import EndpointConfig

from serving.lock_store import AtomicRedisLockStore
from tests.prod_services import Redis, missing_packages

THREADS = 8
TICKETS_PER_THREAD = 25


@pytest.fixture(scope="module")
def redis_server():
    if "redis-server" in missing_packages():
        pytest.skip("paquet Debian redis-server absent (scripts/install_system_deps.sh, lancé par `make test`)")
    server = Redis().start()
    yield server
    server.remove()


def stores(server: Redis, count: int) -> list[AtomicRedisLockStore]:
    """Built the way Rasa builds a custom lock store from endpoints.prod.yml (string values)."""
    config = EndpointConfig(url="127.0.0.1", port=str(server.port), password=server.password, db="1",
                            type="serving.lock_store.AtomicRedisLockStore")
    return [AtomicRedisLockStore(endpoint_config=config) for _ in range(count)]


def test_tickets_are_unique_across_replicas(redis_server):
    replicas = stores(redis_server, 2)
    start = threading.Barrier(THREADS)

    def issue(index: int) -> list[int]:
        store = replicas[index % len(replicas)]
        start.wait()
        return [store.issue_ticket("conv") for _ in range(TICKETS_PER_THREAD)]

    with ThreadPoolExecutor(THREADS) as pool:
        tickets = [t for batch in pool.map(issue, range(THREADS)) for t in batch]
    assert sorted(tickets) == list(range(THREADS * TICKETS_PER_THREAD))
    assert replicas[0].get_lock("conv").last_issued == THREADS * TICKETS_PER_THREAD - 1


def test_locked_sections_never_overlap_and_the_lock_is_removed(redis_server):
    replicas = stores(redis_server, 2)
    inside, overlaps, entries = [0], [0], [0]
    guard = threading.Lock()
    start = threading.Barrier(THREADS)

    async def turn(store: AtomicRedisLockStore) -> None:
        async with store.lock("conv2", wait_time_in_seconds=0.01):
            with guard:
                inside[0] += 1
                overlaps[0] += inside[0] > 1
                entries[0] += 1
            await asyncio.sleep(0.005)
            with guard:
                inside[0] -= 1

    def worker(index: int) -> None:
        start.wait()
        for _ in range(5):
            asyncio.run(turn(replicas[index % len(replicas)]))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(worker, range(THREADS)))
    assert entries[0] == THREADS * 5 and overlaps[0] == 0
    assert replicas[0].get_lock("conv2") is None


def test_uncontended_turn_uses_the_one_round_trip_path_and_a_queued_ticket_survives(redis_server):
    """A free conversation: ticket 0 by SET NX, released by compare-and-delete. When another
    replica queued meanwhile, the release falls through to the transaction and keeps its ticket."""
    first, second = stores(redis_server, 2)
    assert first.issue_ticket("conv3") == 0
    assert ("conv3", 0) in first._created  # created by SET NX
    first.cleanup("conv3", 0)
    assert first.get_lock("conv3") is None and not first._created

    assert first.issue_ticket("conv4") == 0
    assert second.issue_ticket("conv4") == 1  # the lock existed: transaction path
    assert ("conv4", 1) not in second._created
    first.cleanup("conv4", 0)
    lock = second.get_lock("conv4")
    assert lock is not None and [t.number for t in lock.tickets] == [1] and not lock.is_locked(1)
    second.cleanup("conv4", 1)
    assert second.get_lock("conv4") is None
