"""Background jobs of field reports: the e-mails, written and queued by the worker."""

from procrastinate.contrib.django import app

from commun.tasks import job

from . import notifications


@app.task(queue="notifications", pass_context=False)
@job
def notify_acteur(signalement_id, acteur_id):
    notifications.notify_acteur(signalement_id, acteur_id)


@app.task(queue="notifications", pass_context=False)
@job
def notify_reporter(signalement_id, auteur_id):
    notifications.notify_reporter(signalement_id, auteur_id)
