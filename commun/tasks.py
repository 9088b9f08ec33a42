"""Background jobs of the kernel (procrastinate; the worker runs `manage.py procrastinate worker`)."""

import functools

from django.db import connections
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from .models import Courriel

# 16 s, 1 min, 4 min, 17 min, 1 h, 5 h, 18 h, 3 days: a mail server down for a weekend
# still gets every message.
EMAIL_RETRY = RetryStrategy(max_attempts=Courriel.MAX_TENTATIVES, exponential_wait=4)


def job(func):
    """A job body that uses the ORM: the worker runs it in a thread of its own, whose
    database connection is closed when the job ends (none is left behind)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()

    return wrapper


class EnvoiEchoue(Exception):
    """The mail server refused or was unreachable; the job is retried later."""


@app.task(queue="courriels", retry=EMAIL_RETRY, pass_context=False)
@job
def send_email(courriel_id):
    courriel = Courriel.objects.filter(pk=courriel_id).first()
    if courriel is None or courriel.envoye_le:
        return
    if not courriel.attempt():
        raise EnvoiEchoue(courriel.derniere_erreur)


@app.periodic(cron="20 3 * * *")
@app.task(queue="entretien", pass_context=False)
@job
def purge_personal_data(timestamp):
    """Every night: forget the personal data past its term (commun.retention)."""
    from .retention import run_purges

    run_purges()
