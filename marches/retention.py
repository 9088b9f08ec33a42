"""What walks keep about their participants: a pseudonym, a gender and an age bracket."""

from commun.retention import Purge, apply

from .models import Participant


def forget_pseudonyms(cutoff, dry_run):
    return apply(Participant.objects.filter(marche__fin__lt=cutoff).exclude(pseudo=""), dry_run, pseudo="")


def forget_profiles(cutoff, dry_run):
    """Gender and age bracket feed the walks' aggregated figures; past their term the
    figures of old walks read « non précisé »."""
    stale = Participant.objects.filter(marche__fin__lt=cutoff).exclude(genre="", tranche_age="")
    return apply(stale, dry_run, genre="", tranche_age="")


PURGES = [
    Purge("pseudonymes_participants", "Pseudonymes des participant·es aux marches", forget_pseudonyms),
    Purge("profils_participants", "Genre et tranche d'âge des participant·es", forget_profiles),
]
