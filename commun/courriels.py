"""Outgoing e-mail: stored, then sent by the job queue's worker, retried until the mail
server takes it. A request never waits for the mail server."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection

from .models import Courriel

_paused = ContextVar("courriels_suspendus", default=False)


@contextmanager
def paused():
    """Store and send nothing inside this block (demo data is routed like real reports)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused():
    return _paused.get()


def queue_email(sujet, corps, destinataires, entetes=None):
    """Store an e-mail and queue its sending, in the caller's transaction."""
    if is_paused() or not destinataires:
        return None
    from .tasks import send_email

    courriel = Courriel.objects.create(sujet=sujet[:250], corps=corps, destinataires=list(destinataires),
                                       entetes=entetes or {})
    send_email.defer(courriel_id=courriel.pk)
    return courriel


def retry_pending():
    """Try again now what the mail server has not taken yet. Returns (sent, still waiting)."""
    sent = waiting = 0
    pending = Courriel.objects.filter(envoye_le__isnull=True, tentatives__lt=Courriel.MAX_TENTATIVES)
    for courriel in pending.order_by("cree_le"):
        if courriel.attempt():
            sent += 1
        else:
            waiting += 1
    return sent, waiting


def claim(keys):
    """Of these reminder keys, those never claimed before, now claimed (in the caller's
    transaction: if the e-mail is not queued, the claim is rolled back with it)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO commun_rappel (cle, cree_le) SELECT k, now() FROM unnest(%s::text[]) AS k "
            "ON CONFLICT (cle) DO NOTHING RETURNING cle",
            [keys],
        )
        return {row[0] for row in cursor.fetchall()}


def unsubscribe_headers(url):
    """RFC 8058 one-click unsubscribe: mail clients show a button that POSTs to `url`."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
