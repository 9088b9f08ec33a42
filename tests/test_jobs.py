"""The job queue for real: a report POSTed over the API queues its e-mail in the same
transaction, and procrastinate's worker (its own database connection, as in
production) writes it, sends it, and retries when the mail server refuses it."""

import threading

import pytest
from django.core import mail
from django.db import connection
from procrastinate.contrib.django import app
from rest_framework.test import APIClient

from commun.models import Courriel
from tests.conftest import forget_jobs
from tests.test_signalements_api import feature, post

pytestmark = pytest.mark.django_db(transaction=True)
ACTEUR = ["dechets@agglo-bar-le-duc.example"]


class RefusingMailServer:
    """An e-mail backend whose server refuses everything (SMTP down)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("serveur SMTP injoignable")


def run_worker():
    """What `manage.py procrastinate worker` does (its own psycopg connection, not
    Django's), until the queue holds nothing due. In a thread of its own: its event loop
    must not meet the one Playwright's sync API keeps running once a browser test ran."""
    failures = []

    def work():
        try:
            with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
                worker_app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    if failures:
        raise failures[0]


def jobs_by_status():
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, status::text FROM procrastinate_jobs ORDER BY id")
        return cursor.fetchall()


def test_a_posted_report_is_mailed_by_the_worker_and_retried_when_refused(users, settings):
    agent = APIClient()
    agent.force_authenticate(users["agent.demo"])
    settings.EMAIL_BACKEND = "tests.test_jobs.RefusingMailServer"
    mail.outbox.clear()
    forget_jobs()

    assert post(agent, feature()).status_code == 201
    assert jobs_by_status() == [("signalements.tasks.notify_acteur", "todo")]
    assert not Courriel.objects.exists()  # the request wrote no e-mail, only the job

    run_worker()  # writes the e-mail, then the mail server refuses it
    waiting = Courriel.objects.get()
    assert waiting.destinataires == ACTEUR and waiting.envoye_le is None and waiting.tentatives == 1
    assert "injoignable" in waiting.derniere_erreur
    assert ("commun.tasks.send_email", "todo") in jobs_by_status()  # scheduled for a retry

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with connection.cursor() as cursor:  # the retry is due (instead of waiting 16 s)
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")
    run_worker()
    waiting.refresh_from_db()
    assert waiting.envoye_le is not None and waiting.tentatives == 2
    assert [m.to for m in mail.outbox] == [ACTEUR]
    assert "Dépôts sauvages" in mail.outbox[0].subject

    run_worker()  # nothing is left: sent once, never twice
    assert len(mail.outbox) == 1
    assert {status for _, status in jobs_by_status()} <= {"succeeded"}
