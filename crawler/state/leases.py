"""Leases on a shared request queue, so a worker that dies loses nothing (docs/operations.md).

scrapy-redis pops a request destructively: a worker killed between the pop and the archiving
of the page loses it, and the shared dupefilter has already marked it seen, so nobody fetches it
again. Here a pop moves the request, atomically (one Lua script), from the queue into a lease:

- ``<queue>:leases``         sorted set, lease id -> deadline (Redis server time, seconds)
- ``<queue>:leases:data``    hash, lease id -> the serialized request, exactly as it was queued
- ``<queue>:leases:owner``   hash, lease id -> ``<host>:<pid> <queue score>``

The worker acknowledges a lease when the request is fully handled (page archived, its links
queued); a live worker renews its leases; a lease past its deadline, or held by a process that
is gone from this host, goes back to the queue with its old priority. Requests therefore run at
least once; a second run of a request is a revalidation, not a loss.

No home-made queue: the queue itself stays scrapy-redis' priority queue (a sorted set, score =
-priority). This module adds only what neither scrapy-redis nor Scrapy offers: Scrapy has no hook
for "in-flight requests of a dead process" (see istresearch/scrapy-cluster#255, where the advice
is to re-yield them by hand), so the lease bookkeeping is written here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

# Server time, so workers with skewed clocks agree on deadlines.
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

# KEYS: queue, leases, data, owner, seq. ARGV: lease seconds, owner. -> {id, data} or nil
_POP = (
    _NOW
    + """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return nil end
redis.call('ZREM', KEYS[1], item[1])
local id = tostring(redis.call('INCR', KEYS[5]))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), id)
redis.call('HSET', KEYS[3], id, item[1])
redis.call('HSET', KEYS[4], id, ARGV[2] .. ' ' .. item[2])
return {id, item[1]}
"""
)

# KEYS: queue, leases, data, owner. ARGV: lease ids. Puts the leases back in the queue.
_RELEASE = """
local n = 0
for _, id in ipairs(ARGV) do
  local data = redis.call('HGET', KEYS[3], id)
  if data then
    local owner = redis.call('HGET', KEYS[4], id) or ''
    local score = tonumber(string.match(owner, ' (%S+)$')) or 0
    redis.call('ZADD', KEYS[1], score, data)
    n = n + 1
  end
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
end
return n
"""

# KEYS: leases. -> ids past their deadline
_EXPIRED = _NOW + "return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)"

# KEYS: leases. ARGV: lease seconds, ids. Only leases that still exist are renewed.
_RENEW = (
    _NOW
    + """
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
return #ARGV - 1
"""
)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Leases:
    """Lease operations on one scrapy-redis priority queue (``queue_key``)."""

    def __init__(self, client, queue_key: str, owner: str, seconds: float):
        self.client = client
        self.queue = queue_key
        self.leases = f"{queue_key}:leases"
        self.data = f"{queue_key}:leases:data"
        self.owner_key = f"{queue_key}:leases:owner"
        self.seq = f"{queue_key}:leases:seq"
        self.owner = owner
        self.seconds = seconds
        self._pop = client.register_script(_POP)
        self._release = client.register_script(_RELEASE)
        self._expired = client.register_script(_EXPIRED)
        self._renew = client.register_script(_RENEW)

    def pop(self) -> tuple[str, bytes] | None:
        """The first queued request, now leased to this worker: ``(lease id, data)``, or None."""
        found = self._pop(
            keys=[self.queue, self.leases, self.data, self.owner_key, self.seq], args=[self.seconds, self.owner]
        )
        if not found:
            return None
        lease, data = found
        return _text(lease), data

    def ack(self, lease_ids: Iterable[str]) -> None:
        """The requests are handled: drop their leases."""
        ids = list(lease_ids)
        if ids:
            pipe = self.client.pipeline(transaction=True)
            pipe.zrem(self.leases, *ids).hdel(self.data, *ids).hdel(self.owner_key, *ids)
            pipe.execute()

    def renew(self, lease_ids: Iterable[str]) -> None:
        ids = list(lease_ids)
        if ids:
            self._renew(keys=[self.leases], args=[self.seconds, *ids])

    def release(self, lease_ids: Iterable[str]) -> int:
        """Put leased requests back in the queue (with their old priority); returns how many."""
        ids = list(lease_ids)
        if not ids:
            return 0
        return int(self._release(keys=[self.queue, self.leases, self.data, self.owner_key], args=ids))

    def reclaim_expired(self) -> int:
        """Requeue every lease past its deadline (its worker died or hung); returns how many."""
        return self.release(sorted(map(_text, self._expired(keys=[self.leases]))))

    def reclaim_dead(self, hostname: str) -> int:
        """Requeue leases of processes of ``hostname`` that no longer run (a restarted worker)."""
        dead = []
        for lease, value in self.client.hscan_iter(self.owner_key):
            owner = _text(value).split(" ", 1)[0]
            host, _, pid = owner.rpartition(":")
            if host == hostname and pid.isdigit() and not _alive(int(pid)):
                dead.append(_text(lease))
        return self.release(sorted(dead))

    def count(self) -> int:
        """Leases held by all workers."""
        return int(self.client.zcard(self.leases))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True
