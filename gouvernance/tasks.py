"""Reminders to the members of an instance before its meetings (a periodic job, once per
meeting and date: a meeting moved to another day is announced again)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from procrastinate.contrib.django import app

from commun import courriels
from commun.tasks import job

from .models import Reunion

NOTICE = timedelta(hours=48)


def remind_meetings(now=None):
    now = now or timezone.now()
    sent = 0
    for reunion in Reunion.objects.filter(debut__gt=now, debut__lte=now + NOTICE).select_related("instance"):
        members = reunion.instance.membres.all()
        emails = sorted(set(get_user_model().objects.filter(
            Q(pk__in=members.values("personne")) | Q(acteurs__in=members.values("acteur")), is_active=True)
            .exclude(email="").values_list("email", flat=True)))
        if not emails:
            continue
        with transaction.atomic():
            if not courriels.claim([f"reunion:{reunion.pk}:{reunion.debut.isoformat()}"]):
                continue
            when = timezone.localtime(reunion.debut)
            url = settings.SITE_URL.rstrip("/") + reunion.instance.get_absolute_url()
            courriels.queue_email(
                f"[Contrat de ville] {reunion.instance} le {when:%d/%m/%Y à %H:%M}",
                f"{reunion.titre}\nLe {when:%d/%m/%Y à %H:%M}, {reunion.lieu}.\n\n"
                f"Ordre du jour :\n{reunion.ordre_du_jour or '—'}\n\n{url}\n", emails)
            sent += 1
    return sent


@app.periodic(cron="0 * * * *")
@app.task(queue="notifications", pass_context=False)
@job
def meeting_reminders(timestamp):
    remind_meetings()
