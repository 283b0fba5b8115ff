"""Per-host politeness shared by every worker of a distributed crawl (docs/operations.md).

Scrapy's ``DOWNLOAD_DELAY`` and a ``Retry-After`` pause are per process: N workers would hit a
host N times as often. The gate keeps, per host, the earliest time the next request may start
(Redis server time) in one Redis hash; a worker reserves a slot atomically and waits until it.
"""

from __future__ import annotations

# KEYS: hash. ARGV: host, delay, hold-until offset (0: none). -> seconds to wait (string)
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local hold = tonumber(ARGV[3])
local slot = math.max(tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or 0), now)
if hold > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], tostring(math.max(slot, now + hold)))
  return '0'
end
redis.call('HSET', KEYS[1], ARGV[1], tostring(slot + tonumber(ARGV[2])))
return tostring(slot - now)
"""


class HostGate:
    """``wait_for(host, delay)``: seconds to wait before this request; ``hold(host, seconds)``."""

    def __init__(self, client, key: str):
        self.key = key
        self._script = client.register_script(_RESERVE)

    def wait_for(self, host: str, delay: float) -> float:
        """Reserve the next start time for ``host``; the next reservation comes ``delay`` later."""
        return float(self._script(keys=[self.key], args=[host, delay, 0]))

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` from any worker before ``seconds`` from now (Retry-After)."""
        self._script(keys=[self.key], args=[host, 0, max(seconds, 1e-6)])
