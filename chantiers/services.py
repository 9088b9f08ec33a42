"""Domain rules of the renewal programme that are more than a field's value."""

from django.utils import timezone

from .models import Proposition


def moderate(proposition, user, statut, motif=""):
    """Publish or refuse a resident's proposal; a refusal keeps its reason for the author."""
    proposition.statut = statut
    proposition.motif_refus = motif if statut == Proposition.Statut.REFUSEE else ""
    proposition.modere_par = user
    proposition.modere_le = timezone.now()
    proposition.save(update_fields=["statut", "motif_refus", "modere_par", "modere_le"])
    return proposition
