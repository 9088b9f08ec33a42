"""Domain rules of the instances and of the conseil citoyen."""

from django.db.models import Q
from django.utils import timezone

from .models import Action, Avis, Decision, Instance, Reunion, Saisine


def conseil_citoyen():
    return Instance.objects.filter(type=Instance.Type.CONSEIL_CITOYEN).select_related("acteur").first()


def record_avis(user, form, *, chantier=None, preconisation=None, saisine=None):
    avis = form.save(commit=False)
    avis.chantier, avis.preconisation, avis.auteur = chantier, preconisation, user
    if saisine is not None and saisine.objet in (chantier, preconisation):
        avis.saisine = saisine
    avis.save()
    return avis


def open_saisines():
    """Projects submitted to the conseil citoyen that still wait for its avis."""
    return (Saisine.objects.filter(avis__isnull=True, date_limite__gte=timezone.localdate())
            .select_related("chantier", "preconisation__marche").order_by("date_limite"))


def decisions_to_take():
    """Decisions on the agenda, not taken yet."""
    qs = Decision.objects.filter(statut=Decision.Statut.A_PRENDRE).select_related("reunion__instance")
    return qs.prefetch_related("engagements", "chantiers", "preconisations").order_by("reunion__debut", "id")


def open_actions():
    return (Action.objects.filter(statut__in=[Action.Statut.A_FAIRE, Action.Statut.EN_COURS])
            .select_related("porteur", "decision__reunion__instance").order_by("echeance", "id"))


def meetings_between(since, until):
    return Reunion.objects.filter(debut__gte=since, debut__lt=until).select_related("instance")


def avis_on(chantiers=(), preconisations=()):
    """The avis on these objects (lists of objects already loaded by the page)."""
    return (Avis.objects.filter(Q(chantier__in=[c.pk for c in chantiers])
                                | Q(preconisation__in=[p.pk for p in preconisations]))
            .order_by("-rendu_le"))
