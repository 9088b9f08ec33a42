"""Configuration read on every request (categories, routing rules, acteurs), kept by
each process for a short time instead of being asked of the database each time.

A change saved through Django (the admin, a page, a data import) clears the copy of the
process that saved it at once (each app connects `post_save`/`post_delete` to
`clear`); the other processes (gunicorn workers) see it when their copy expires, at
most `ttl` seconds later (30 s by default).
"""

import threading
import time

_registry = []


class ProcessCache:
    """`load()` computed at most once per `ttl` seconds in this process."""

    def __init__(self, load, ttl=30):
        self.load, self.ttl = load, ttl
        self._value, self._expires = None, 0.0
        self._lock = threading.Lock()
        _registry.append(self)

    def get(self):
        if time.monotonic() >= self._expires:
            with self._lock:
                if time.monotonic() >= self._expires:
                    self._value = self.load()
                    self._expires = time.monotonic() + self.ttl
        return self._value

    def clear(self, *args, **kwargs):
        """Forget the copy (also usable as a signal receiver)."""
        self._expires = 0.0


def clear_all():
    for memo in _registry:
        memo.clear()
