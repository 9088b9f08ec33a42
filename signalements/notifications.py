"""The e-mails about reports, written by the worker when it runs the queued job."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from commun import courriels

from .models import Signalement


def detail_url(signalement):
    return settings.SITE_URL.rstrip("/") + reverse("signalement-detail-page", args=[signalement.uuid])


def _report(signalement_id):
    return Signalement.objects.select_related("categorie__parent", "secteur", "auteur").filter(
        pk=signalement_id).first()


def notify_acteur(signalement_id, acteur_id):
    """Tell the acteur a report was routed to it (if it still is)."""
    signalement = _report(signalement_id)
    if signalement is None or signalement.acteur_id != acteur_id or not signalement.acteur.email:
        return None
    return courriels.queue_email(
        f"[GUSP] Nouveau signalement : {signalement.categorie}",
        (
            f"Un signalement vous est transmis.\n\n"
            f"Catégorie : {signalement.categorie}\n"
            f"Secteur : {signalement.secteur or 'hors secteur'}\n"
            f"Observé le : {timezone.localtime(signalement.observe_le):%d/%m/%Y %H:%M}\n"
            f"Description : {signalement.description or '(aucune)'}\n"
            f"Délai cible : {signalement.categorie.racine.delai_jours} jours\n\n"
            f"Traiter : {detail_url(signalement)}\n"
        ),
        [signalement.acteur.email],
    )


def notify_reporter(signalement_id, auteur_id):
    """Tell the reporter when someone else changed the status of their report."""
    signalement = _report(signalement_id)
    reporter = signalement.auteur if signalement else None
    if not reporter or not reporter.email or reporter.pk == auteur_id:
        return None
    label = signalement.get_statut_display()
    return courriels.queue_email(
        f"[GUSP] Votre signalement est « {label} »",
        f"Votre signalement ({signalement.categorie}) est maintenant : {label}.\n\nSuivi : {detail_url(signalement)}\n",
        [reporter.email],
    )
