"""Domain rules of the engagements' follow-up: an update proposed, validated or refused."""

from django.db import transaction
from django.utils import timezone

from commun import roles

from .models import MiseAJour, Preuve, Validation


@transaction.atomic
def record_update(engagement, auteur, *, statut, note="", prochaine_etape="", echeance=None, date=None,
                  preuves=(), acteur=None):
    """A partner's update; a pilot's own update is validated at once."""
    if acteur is None and not roles.is_pilote(auteur):
        acteur = engagement.acteurs.filter(pk__in=roles.acteur_ids(auteur)).first()
    maj = MiseAJour.objects.create(
        engagement=engagement, auteur=auteur, acteur=acteur, ancien_statut=engagement.statut, statut=statut,
        note=note, prochaine_etape=prochaine_etape, echeance=echeance, date=date or timezone.localdate(),
    )
    for preuve in preuves:
        preuve.engagement, preuve.mise_a_jour = engagement, maj
    Preuve.objects.bulk_create(list(preuves))
    if roles.is_pilote(auteur):
        validate(maj, auteur)
    return maj


@transaction.atomic
def validate(maj, pilote):
    """The update becomes the engagement's state; the row keeps who validated it, when."""
    engagement = maj.engagement
    maj.validation, maj.valide_par, maj.valide_le = Validation.VALIDEE, pilote, timezone.now()
    maj.ancien_statut = engagement.statut
    maj.save(update_fields=["validation", "valide_par", "valide_le", "ancien_statut"])
    engagement.statut = maj.statut
    engagement.prochaine_etape = maj.prochaine_etape or engagement.prochaine_etape
    engagement.echeance = maj.echeance or engagement.echeance
    if maj.note:
        engagement.suivi = maj.note
    engagement.save(update_fields=["statut", "prochaine_etape", "echeance", "suivi", "mis_a_jour_le"])
    return maj


def refuse(maj, pilote, motif):
    maj.validation, maj.valide_par, maj.valide_le, maj.motif_refus = (
        Validation.REFUSEE, pilote, timezone.now(), motif)
    maj.save(update_fields=["validation", "valide_par", "valide_le", "motif_refus"])
    return maj
