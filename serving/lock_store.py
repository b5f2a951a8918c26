"""Redis lock store whose ticket operations are atomic, for several Rasa replicas.

Rasa 3.6's ``RedisLockStore`` keeps each conversation's ticket lock as one JSON value and
changes it with a plain GET, then SET. Two replicas that receive a message of the same
conversation at the same moment both read "no lock", both write a new lock holding ticket 0,
and both run the turn at once: the second save then drops events of the first turn (the SQL
tracker store appends by event count). Measured with tests/test_prod_scaleout.py: a user
message was lost on the first try. Likewise ``cleanup`` may delete a lock another replica has
just queued on, which makes that replica's turn fail with ``LockError``.

This subclass keeps Rasa's ticket format, key names and FIFO order, and makes every
read-modify-write of a lock one optimistic Redis transaction (WATCH / MULTI / EXEC, retried
when another replica changed the key in between).

Most turns find their conversation unlocked, and a transaction costs three round trips, all
blocking the replica's event loop (8 % of a replica's CPU under load, py-spy, bench/PROFILE.md
fourth pass). So a ticket is first asked for with one `SET … NX` (creates the lock holding
ticket 0 only if there is none), and released with one compare-and-delete script (deletes the
lock only if it is still exactly what that SET wrote, i.e. nobody queued meanwhile). Either
one falling through leads to the transaction, as before.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional, Text, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
# A change of one lock: the lock as stored (None: absent) -> the lock to store (None: delete)
# and the value to return.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]


# Deletes the lock only if it is unchanged since this replica created it.
_DELETE_IF_UNCHANGED = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return -1
"""


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Rasa builds a custom lock store from its endpoints.yml section; same keys as `redis`."""
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)
        self._delete_if_unchanged = self.red.register_script(_DELETE_IF_UNCHANGED)
        # (conversation, ticket) -> the lock as created by SET NX, for the cheap release.
        self._created: Dict[Tuple[Text, int], Text] = {}

    def _change_lock(self, conversation_id: Text, change: Change) -> T:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:  # another replica changed this lock: read it again
                    continue

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        lock = TicketLock(conversation_id)
        ticket = lock.issue_ticket(lock_lifetime)
        created = lock.dumps()
        try:
            if self.red.set(self.key_prefix + conversation_id, created, nx=True):
                self._created[(conversation_id, ticket)] = created
                return ticket
        except Exception as error:  # same contract as Rasa's: callers expect LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change_lock(conversation_id, issue)
        except Exception as error:  # same contract as Rasa's: callers expect LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change_lock(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change_lock(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove this ticket, and the lock itself only if nobody queued meanwhile."""
        created = self._created.pop((conversation_id, ticket_number), None)
        if created is not None and self._delete_if_unchanged(keys=[self.key_prefix + conversation_id],
                                                            args=[created]) != -1:
            return

        def release(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], Any]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change_lock(conversation_id, release)
