"""Reading from a PostgreSQL replica, when one is configured (`DATABASE_REPLICA_URL`).

Only the reads that tolerate a replica's lag of a second or so go there: tiles and
GeoJSON list pages, which run inside `replica_reads()`. Everything else (writes, the
reads that follow a write, the admin) stays on the primary. Without a replica the
router answers None and Django uses `default`: the single machine is the default.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_replica = ContextVar("lecture_replique", default=False)
REPLICA = "replica"


@contextmanager
def replica_reads():
    token = _replica.set(True)
    try:
        yield
    finally:
        _replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
