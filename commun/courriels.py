"""Outgoing e-mail: stored first, sent after the transaction commits, retried on failure."""

from django.db import transaction

from .models import Courriel


def queue_email(sujet, corps, destinataires):
    courriel = Courriel.objects.create(sujet=sujet[:250], corps=corps, destinataires=list(destinataires))
    transaction.on_commit(courriel.attempt)
    return courriel


def retry_pending():
    """Retry what the mail server has not taken yet. Returns (sent, still waiting)."""
    sent = waiting = 0
    pending = Courriel.objects.filter(envoye_le__isnull=True, tentatives__lt=Courriel.MAX_TENTATIVES)
    for courriel in pending.order_by("cree_le"):
        if courriel.attempt():
            sent += 1
        else:
            waiting += 1
    return sent, waiting
