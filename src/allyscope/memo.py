"""Process-wide memoisation that computes each value once, also across threads.

:func:`functools.cache` lets two threads that ask for the same missing value both compute
it. The assessment reads some system tables in a background thread while it reads the
panel (:mod:`allyscope.indicators.frame`); a caller that asks for a table being computed
there waits for it instead of computing it a second time.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Once(Generic[T]):
    """``fn`` memoised on its positional arguments; one computation per key at a time. A
    call that raises stores nothing (the next call tries again)."""

    def __init__(self, fn: Callable[..., T]) -> None:
        self._fn = fn
        self._values: dict[tuple[Hashable, ...], T] = {}
        self._locks: dict[tuple[Hashable, ...], threading.Lock] = {}
        self._guard = threading.Lock()
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Hashable) -> T:
        try:
            return self._values[args]
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(args, threading.Lock())
        with lock:
            if args not in self._values:
                self._values[args] = self._fn(*args)
            return self._values[args]

    def cache_clear(self) -> None:
        """Forget every value (as ``functools.cache``'s ``cache_clear``)."""
        with self._guard:
            self._values.clear()
            self._locks.clear()


def once(fn: Callable[..., T]) -> Once[T]:
    """Decorator: :class:`Once`."""
    return Once(fn)


__all__ = ["Once", "once"]
