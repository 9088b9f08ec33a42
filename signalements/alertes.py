"""Alerts and reminders about reports, run by periodic jobs (`tasks.py`), never by the
request that receives a report (that path stays short).

- subscriptions: reports new or resolved in an area since the subscription began are
  found by `cree_le` / `resolu_le` (looking back `LOOKBACK`, so a worker stopped for a
  day misses nothing) and kept as `Alerte` rows, unique per subscription, report and
  kind: found twice, stored once; each row is sent once (`envoyee_le`);
- services: a reminder for each report past its target delay, and a weekly digest; each
  is keyed in `commun.Rappel`, so a job run twice sends nothing twice.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from commun import courriels, roles
from territoire.models import Acteur

from .models import OUVERTS, Abonnement, Alerte, Signalement, Statut
from .notifications import detail_url
from .permissions import visible_signalements

LOOKBACK = timedelta(days=7)
UNSUBSCRIBE_SALT = "abonnement-desinscription"
MAX_LISTED = 50


def unsubscribe_token(abonnement):
    return signing.dumps(abonnement.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def abonnement_from_token(token):
    """The subscription a signed link names, or None (forged, or deleted since)."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Abonnement.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def unsubscribe_url(abonnement):
    return settings.SITE_URL.rstrip("/") + reverse("abonnement-desinscription", args=[unsubscribe_token(abonnement)])


def may_subscribe(user):
    return roles.is_pilote(user) or roles.is_conseil_citoyen(user)


def matching(abonnement):
    """Reports in the subscription's area and categories that its owner may hear about."""
    qs = Signalement.objects.all()
    if abonnement.zone is not None:
        qs = qs.filter(geom__intersects=abonnement.zone)
    else:
        qs = qs.filter(secteur_id=abonnement.secteur_id)
    categories = [c.pk for c in abonnement.categories.all()]
    if categories:
        qs = qs.filter(Q(categorie_id__in=categories) | Q(categorie__parent_id__in=categories))
    if not roles.sees_sensitive(abonnement.utilisateur):
        qs = qs.filter(sensible=False)  # tranquillity reports: never to the conseil citoyen
    return qs


def detect_alerts(now=None):
    """Store what each active subscription must hear about (rows already there are kept)."""
    now = now or timezone.now()
    for abonnement in (Abonnement.objects.filter(actif=True).select_related("utilisateur")
                       .prefetch_related("categories")):
        since = max(abonnement.cree_le, now - LOOKBACK)
        qs = matching(abonnement)
        rows = [Alerte(abonnement=abonnement, signalement_id=pk, type=Alerte.Type.NOUVEAU)
                for pk in qs.filter(cree_le__gte=since).values_list("id", flat=True)]
        rows += [Alerte(abonnement=abonnement, signalement_id=pk, type=Alerte.Type.RESOLU)
                 for pk in qs.filter(statut=Statut.RESOLU, resolu_le__gte=since).values_list("id", flat=True)]
        Alerte.objects.bulk_create(rows, ignore_conflicts=True)


def _line(alerte, visible):
    s = alerte.signalement
    when = timezone.localtime(s.resolu_le if alerte.type == Alerte.Type.RESOLU else s.cree_le)
    line = f"- [{alerte.get_type_display()}] {s.categorie} — {s.secteur or 'hors secteur'} — {when:%d/%m/%Y %H:%M}"
    if s.pk in visible:
        line += f"\n  {s.description[:200]}\n  {detail_url(s)}" if s.description else f"\n  {detail_url(s)}"
    return line


def send_alerts(frequence, now=None):
    """One e-mail per subscription with what waits to be sent. Returns the e-mails queued."""
    now = now or timezone.now()
    sent = 0
    waiting = (Abonnement.objects.filter(actif=True, frequence=frequence, alertes__envoyee_le__isnull=True)
               .select_related("utilisateur").distinct())
    for abonnement in waiting:
        with transaction.atomic():
            pending = list(Alerte.objects.select_for_update(skip_locked=True, of=("self",))
                           .filter(abonnement=abonnement, envoyee_le__isnull=True)
                           .select_related("signalement__categorie__parent", "signalement__secteur")
                           .order_by("type", "signalement__cree_le"))
            if not pending or not abonnement.utilisateur.email:
                continue
            ids = [a.signalement_id for a in pending]
            visible = set(visible_signalements(abonnement.utilisateur).filter(pk__in=ids).values_list("id", flat=True))
            news = sum(a.type == Alerte.Type.NOUVEAU for a in pending)
            url = unsubscribe_url(abonnement)
            body = (f"Abonnement « {abonnement.nom} » : {news} nouveau(x) signalement(s), "
                    f"{len(pending) - news} résolu(s).\n\n"
                    + "\n".join(_line(a, visible) for a in pending[:MAX_LISTED])
                    + (f"\n… et {len(pending) - MAX_LISTED} autres." if len(pending) > MAX_LISTED else "")
                    + f"\n\nSe désinscrire en un clic : {url}\n")
            courriels.queue_email(f"[GUSP] {abonnement.nom} : {len(pending)} signalement(s)", body,
                                  [abonnement.utilisateur.email], entetes=courriels.unsubscribe_headers(url))
            Alerte.objects.filter(pk__in=[a.pk for a in pending]).update(envoyee_le=now)
            sent += 1
    return sent


def _members_emails(acteur):
    return sorted(set(get_user_model().objects.filter(acteurs=acteur, is_active=True).exclude(email="")
                      .values_list("email", flat=True)))


def _for_service(acteur):
    qs = Signalement.objects.filter(acteur=acteur)
    return qs if acteur.acces_sensible else qs.filter(sensible=False)


def remind_late_reports(now=None):
    """Each report past its target delay, once, to its service's members."""
    now = now or timezone.now()
    sent = 0
    late_by_acteur = (Signalement.objects.filter(statut__in=OUVERTS, echeance__lt=now, acteur__isnull=False)
                      .values("acteur").annotate(n=Count("id")).order_by())
    for acteur in Acteur.objects.filter(pk__in=[row["acteur"] for row in late_by_acteur]):
        emails = _members_emails(acteur)
        if not emails:
            continue
        with transaction.atomic():
            late = list(_for_service(acteur).filter(statut__in=OUVERTS, echeance__lt=now)
                        .select_related("categorie__parent", "secteur").order_by("echeance"))
            fresh = courriels.claim([f"retard-signalement:{s.pk}" for s in late])
            late = [s for s in late if f"retard-signalement:{s.pk}" in fresh]
            if not late:
                continue
            lines = [f"- {s.categorie} — {s.secteur or 'hors secteur'} — échéance dépassée le "
                     f"{timezone.localtime(s.echeance):%d/%m/%Y}\n  {detail_url(s)}" for s in late[:MAX_LISTED]]
            courriels.queue_email(
                f"[GUSP] {len(late)} signalement(s) en retard pour {acteur}",
                "Ces signalements ont dépassé leur délai cible :\n\n" + "\n".join(lines)
                + (f"\n… et {len(late) - MAX_LISTED} autres." if len(late) > MAX_LISTED else "") + "\n", emails)
            sent += 1
    return sent


def weekly_digest(now=None):
    """Each service's week: new, late, resolved; once per service and ISO week."""
    now = now or timezone.now()
    week_ago = now - timedelta(days=7)
    year, week, _ = timezone.localdate(now).isocalendar()
    sent = 0
    for acteur in Acteur.objects.filter(membres__isnull=False).distinct():
        emails = _members_emails(acteur)
        qs = _for_service(acteur)
        counts = qs.aggregate(
            nouveaux=Count("id", filter=Q(cree_le__gte=week_ago, cree_le__lt=now)),
            resolus=Count("id", filter=Q(statut=Statut.RESOLU, resolu_le__gte=week_ago, resolu_le__lt=now)),
            en_retard=Count("id", filter=Q(statut__in=OUVERTS, echeance__lt=now)))
        if not emails or not any(counts.values()):
            continue
        with transaction.atomic():
            if not courriels.claim([f"digest:{acteur.pk}:{year}-W{week:02d}"]):
                continue
            late = qs.filter(statut__in=OUVERTS, echeance__lt=now).select_related("categorie__parent").order_by(
                "echeance")[:20]
            body = (f"Votre semaine ({acteur}) :\n- {counts['nouveaux']} nouveau(x) signalement(s)\n"
                    f"- {counts['resolus']} résolu(s)\n- {counts['en_retard']} en retard\n\n"
                    + ("Les plus en retard :\n" + "\n".join(f"- {s.categorie} : {detail_url(s)}" for s in late)
                       if counts["en_retard"] else "Aucun signalement en retard.") + "\n")
            courriels.queue_email(f"[GUSP] La semaine de {acteur} : {counts['nouveaux']} nouveaux, "
                                  f"{counts['en_retard']} en retard", body, emails)
            sent += 1
    return sent
