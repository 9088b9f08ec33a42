"""One shape for every write a phone may send twice: a client key, a fingerprint of the
content, and three answers (created, replayed, conflict).

A phone that lost the answer to its POST sends it again with the same key (the
report's or annotation's UUID, a photo's UUID): the same content by the same author is
a replay and answers the stored row; anything else under that key is a conflict (409).
Races between two copies of the same POST are settled by the key's unique constraint.
"""

import hashlib
import json

from django.db import IntegrityError, transaction


class Conflit(Exception):
    """Same key, different content or another author: HTTP 409. The message is French."""


def fingerprint(payload):
    """SHA-256 of a JSON-able payload, keys sorted: what the client sent, canonically."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def record_once(model, key, create, is_replay, *, key_field="uuid", check_first=False,
                conflict_message="Ce UUID a déjà servi pour un autre contenu."):
    """Create a row once per client key. Returns (row, created).

    `create()` makes and returns the row inside a transaction; `is_replay(existing)` says
    whether a stored row is what this request would have made. With `check_first`, the
    key is looked up before `create` runs (when creating is costly, as for a photo);
    otherwise the first attempt costs no extra query and a replay is caught by the
    unique constraint.
    """
    existing = model.objects.filter(**{key_field: key}).first() if check_first else None
    if existing is None:
        try:
            with transaction.atomic():
                return create(), True
        except IntegrityError:
            existing = model.objects.filter(**{key_field: key}).first()
            if existing is None:  # another client key of the row (a photo's UUID) is taken
                raise Conflit(conflict_message) from None
    if is_replay(existing):
        return existing, False
    raise Conflit(conflict_message)
