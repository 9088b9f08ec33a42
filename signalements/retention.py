"""What reports keep about people: who reported, and the photos of closed reports."""

from commun.retention import Purge

from .models import Evenement, Photo, Signalement, Statut

CLOSED = (Statut.RESOLU, Statut.REJETE, Statut.DOUBLON)


def _closed_before(cutoff):
    return Signalement.objects.filter(statut__in=CLOSED, mis_a_jour_le__lt=cutoff)


def forget_reporters(cutoff, dry_run):
    """The reporter's name leaves closed reports (the report, its photos, its creation and
    the confirmations); what the services did stays signed, for accountability."""
    reports = _closed_before(cutoff).filter(auteur__isnull=False)
    if dry_run:
        return reports.count()
    ids = list(reports.values_list("id", flat=True))
    Photo.objects.filter(signalement_id__in=ids).update(auteur=None)
    Evenement.objects.filter(signalement_id__in=ids, type__in=[
        Evenement.Type.CREATION, Evenement.Type.CONFIRMATION, Evenement.Type.PHOTO]).update(auteur=None)
    return Signalement.objects.filter(id__in=ids).update(auteur=None)


def forget_photos_of_resolved(cutoff, dry_run):
    """Photos of reports resolved (or closed) before the cutoff: files and rows deleted."""
    photos = Photo.objects.filter(signalement__in=_closed_before(cutoff))
    if dry_run:
        return photos.count()
    count = 0
    for photo in photos:
        photo.image.delete(save=False)
        photo.miniature.delete(save=False)
        photo.delete()
        count += 1
    return count


PURGES = [
    Purge("auteurs_signalements", "Auteurs des signalements clos", forget_reporters),
    Purge("photos_signalements_clos", "Photos des signalements clos", forget_photos_of_resolved),
]
