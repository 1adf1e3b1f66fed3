"""Generation numbers in the shared cache: what every process keeps a copy of (catalog search
index, browse lists, unit lists) is keyed by a generation that a change bumps.

A fresh or evicted key starts from the clock, so a value seen before the cache was emptied is
never taken for the current one (copies made under it may still be cached).
"""

from __future__ import annotations

import time


def current(key: str) -> int:
    """The generation stored at ``key`` (started from the clock when missing)."""
    from django.core.cache import cache

    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), None)
        value = cache.get(key)
    return value


def bump(key: str) -> None:
    """Start a new generation at ``key``."""
    from django.core.cache import cache

    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), None)


def cached(generation_key: str, name: str, build, ttl: int):
    """``build()``'s value, shared through the cache under the current generation for ``ttl`` s."""
    from django.core.cache import cache

    key = f"{generation_key}:{current(generation_key)}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ttl)
    return value
