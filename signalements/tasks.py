"""Background jobs of field reports: the e-mails, written and queued by the worker."""

from procrastinate.contrib.django import app

from commun.tasks import job

from . import alertes, notifications
from .models import Abonnement


@app.task(queue="notifications", pass_context=False)
@job
def notify_acteur(signalement_id, acteur_id):
    notifications.notify_acteur(signalement_id, acteur_id)


@app.task(queue="notifications", pass_context=False)
@job
def notify_reporter(signalement_id, auteur_id):
    notifications.notify_reporter(signalement_id, auteur_id)


# Periodic jobs: the worker defers them on schedule (cron, local time of the server).
@app.periodic(cron="* * * * *")
@app.task(queue="notifications", pass_context=False, queueing_lock="alertes-immediates")
@job
def alerts_every_minute(timestamp):
    alertes.detect_alerts()
    alertes.send_alerts(Abonnement.Frequence.IMMEDIATE)


@app.periodic(cron="0 7 * * *")
@app.task(queue="notifications", pass_context=False)
@job
def daily_alerts_and_reminders(timestamp):
    alertes.detect_alerts()
    alertes.send_alerts(Abonnement.Frequence.QUOTIDIENNE)
    alertes.remind_late_reports()


@app.periodic(cron="30 7 * * 1")
@app.task(queue="notifications", pass_context=False)
@job
def weekly_digest(timestamp):
    alertes.weekly_digest()
