"""Reminders to partners before an engagement's due date (a periodic job, once per date)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app

from commun import courriels
from commun.tasks import job
from territoire.models import Engagement

NOTICE = timedelta(days=14)


def remind_due_engagements(today=None):
    """Members of the carrying acteurs hear of an engagement due within NOTICE, once per due date."""
    today = today or timezone.localdate()
    sent = 0
    due = (Engagement.objects.filter(echeance__gte=today, echeance__lte=today + NOTICE)
           .exclude(statut=Engagement.Statut.REALISE).prefetch_related("acteurs"))
    for engagement in due:
        emails = sorted(set(get_user_model().objects.filter(acteurs__in=engagement.acteurs.all(), is_active=True)
                            .exclude(email="").values_list("email", flat=True)))
        if not emails:
            continue
        with transaction.atomic():
            if not courriels.claim([f"echeance-engagement:{engagement.pk}:{engagement.echeance}"]):
                continue
            url = settings.SITE_URL.rstrip("/") + reverse("engagement-detail", args=[engagement.numero])
            courriels.queue_email(
                f"[Contrat de ville] Échéance le {engagement.echeance:%d/%m/%Y} : engagement {engagement.numero}",
                f"L'engagement {engagement.numero} arrive à échéance le {engagement.echeance:%d/%m/%Y}.\n\n"
                f"{engagement.texte}\n\nProchaine étape : {engagement.prochaine_etape or '—'}\n"
                f"Statut : {engagement.get_statut_display()}\n\nMettre à jour : {url}\n", emails)
            sent += 1
    return sent


@app.periodic(cron="0 8 * * *")
@app.task(queue="notifications", pass_context=False)
@job
def engagement_reminders(timestamp):
    remind_due_engagements()
