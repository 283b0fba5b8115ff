"""Redis backend of the incremental state, for a distributed crawl (docs/operations.md).

One hash per archive (``REDIS_STATE_KEY``): field = URL, value = the UrlState as JSON. Workers
on several machines then see one state: a page archived by one worker is revalidated, or skipped
as young, by all of them. ``put`` returns once Redis has the value; the WARC extension calls it
only after the record is in the file (archive first, then commit), as with SQLite.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

from .base import StateConfig, StateError, UrlState

_FIELDS = {f.name for f in dataclasses.fields(UrlState)}


def _decode(value: bytes | str) -> UrlState:
    data = json.loads(value)
    return UrlState(**{k: v for k, v in data.items() if k in _FIELDS})


class RedisStateStore:
    """StateStore on one Redis hash; ``client`` is a ``redis.Redis`` (bytes or decoded replies)."""

    def __init__(self, client, key: str):
        self.client = client
        self.key = key

    @classmethod
    def open(cls, config: StateConfig) -> RedisStateStore:
        """The hash ``REDIS_STATE_KEY`` on the crawl's Redis client."""
        if config.redis is None:
            raise StateError(
                "STATE_BACKEND crawler.state.redisstore.RedisStateStore: REDIS_URL is empty; "
                "set it, or use crawler.state.sqlite.SqliteStateStore"
            )
        return cls(config.redis, config.redis_key)

    def get(self, url: str) -> UrlState | None:
        value = self.client.hget(self.key, url)
        return _decode(value) if value is not None else None

    def put(self, state: UrlState) -> None:
        value = json.dumps(dataclasses.asdict(state), sort_keys=True, ensure_ascii=False)
        self.client.hset(self.key, state.url, value)

    def iter_all(self) -> Iterator[UrlState]:
        """Every URL's state, sorted by URL (HSCAN order is arbitrary)."""
        states = [_decode(value) for _, value in self.client.hscan_iter(self.key, count=1000)]
        yield from sorted(states, key=lambda state: state.url)

    def close(self) -> None:
        """The client belongs to the caller (it is shared with the scheduler)."""
