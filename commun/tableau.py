"""Indicators of a GUSP review and a comité de pilotage, every figure an SQL aggregate."""

from datetime import timedelta

from django.db.models import Aggregate, Count, DurationField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from chantiers.models import TERMINES, Chantier, Jalon
from chantiers.models import Statut as StatutChantier
from signalements.marches.models import MarcheExploratoire, Preconisation, StatutPreconisation
from signalements.models import OUVERTS, Categorie, Signalement, Statut
from territoire.models import Engagement


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5), which also takes intervals."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _days(duration):
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _percent(part, whole):
    return None if not whole else round(100 * part / whole)


def report_figures(since):
    """Received, resolved, open, late; resolution time and share within the target delay."""
    now = timezone.now()
    recent = Signalement.objects.filter(cree_le__gte=since)
    resolution = F("resolu_le") - F("cree_le")
    per_acteur = (
        recent.values("acteur__nom", "acteur__sigle")
        .annotate(
            recus=Count("id"),
            resolus=Count("id", filter=Q(statut=Statut.RESOLU)),
            dans_delai=Count("id", filter=Q(statut=Statut.RESOLU, resolu_le__lte=F("echeance"))),
            ouverts=Count("id", filter=Q(statut__in=OUVERTS)),
            en_retard=Count("id", filter=Q(statut__in=OUVERTS, echeance__lt=now)),
            mediane=Median(resolution, filter=Q(statut=Statut.RESOLU)),
        )
        .order_by("-recus")
    )
    totals = recent.aggregate(
        recus=Count("id"),
        resolus=Count("id", filter=Q(statut=Statut.RESOLU)),
        dans_delai=Count("id", filter=Q(statut=Statut.RESOLU, resolu_le__lte=F("echeance"))),
        mediane=Median(resolution, filter=Q(statut=Statut.RESOLU)),
        sensibles=Count("id", filter=Q(sensible=True)),
        marches=Count("id", filter=Q(source="marche")),
    )
    open_now = Signalement.objects.filter(statut__in=OUVERTS).aggregate(
        ouverts=Count("id"), en_retard=Count("id", filter=Q(echeance__lt=now))
    )
    rows = [
        {
            "acteur": r["acteur__sigle"] or r["acteur__nom"] or "non routé",
            "recus": r["recus"], "resolus": r["resolus"], "ouverts": r["ouverts"],
            "en_retard": r["en_retard"], "mediane_jours": _days(r["mediane"]),
            "dans_delai_pct": _percent(r["dans_delai"], r["resolus"]),
        }
        for r in per_acteur
    ]
    return {
        **totals, **open_now,
        "mediane_jours": _days(totals["mediane"]),
        "dans_delai_pct": _percent(totals["dans_delai"], totals["resolus"]),
        "par_acteur": rows,
    }


def reports_by_category(since):
    roots = {c.id: c for c in Categorie.objects.filter(parent__isnull=True)}
    counts = {}
    for row in (Signalement.objects.filter(cree_le__gte=since)
                .values("categorie__parent_id", "categorie_id").annotate(n=Count("id"))):
        root = row["categorie__parent_id"] or row["categorie_id"]
        counts[root] = counts.get(root, 0) + row["n"]
    rows = [{"nom": roots[k].nom, "icone": roots[k].icone, "n": n} for k, n in counts.items() if k in roots]
    return _with_bars(sorted(rows, key=lambda r: -r["n"]))


def reports_by_month(since):
    rows = [
        {"mois": r["mois"], "n": r["n"], "resolus": r["resolus"]}
        for r in Signalement.objects.filter(cree_le__gte=since)
        .annotate(mois=TruncMonth("cree_le")).values("mois")
        .annotate(n=Count("id"), resolus=Count("id", filter=Q(statut=Statut.RESOLU))).order_by("mois")
    ]
    return _with_bars(rows)


def reports_by_sector(since):
    rows = [
        {"nom": r["secteur__nom"] or "hors secteur", "n": r["n"], "ouverts": r["ouverts"]}
        for r in Signalement.objects.filter(cree_le__gte=since).values("secteur__nom")
        .annotate(n=Count("id"), ouverts=Count("id", filter=Q(statut__in=OUVERTS))).order_by("-n")
    ]
    return _with_bars(rows)


def _with_bars(rows, key="n"):
    top = max((r[key] for r in rows), default=0) or 1
    for r in rows:
        r["pct"] = round(100 * r[key] / top)
    return rows


def engagement_figures():
    statuts = dict(Engagement.Statut.choices)
    table = {}
    for row in Engagement.objects.values("axe", "statut").annotate(n=Count("id")):
        table.setdefault(row["axe"], {})[row["statut"]] = row["n"]
    return {
        "statuts": [(k, v) for k, v in statuts.items()],
        "axes": [
            {"axe": label, "cells": [table.get(axe, {}).get(s, 0) for s in statuts],
             "total": sum(table.get(axe, {}).values())}
            for axe, label in Engagement.Axe.choices
        ],
    }


def chantier_figures():
    today = timezone.localdate()
    totals = Chantier.objects.aggregate(
        n=Count("id"),
        en_travaux=Count("id", filter=Q(statut=StatutChantier.TRAVAUX)),
        livres=Count("id", filter=Q(statut=StatutChantier.LIVRE)),
        en_retard=Count("id", filter=Q(fin_prevue__lt=today, fin_reelle__isnull=True) & ~Q(statut__in=TERMINES)),
        demolis=Sum("logements_demolis"), rehabilites=Sum("logements_rehabilites"),
        construits=Sum("logements_construits"),
        heures_prevues=Sum("heures_insertion_prevues"), heures_realisees=Sum("heures_insertion_realisees"),
        beneficiaires=Sum("beneficiaires_qpv"), budget=Sum("budget"),
    )
    totals["jalons_en_retard"] = Jalon.objects.filter(date_prevue__lt=today, date_reelle__isnull=True).count()
    totals["heures_pct"] = _percent(totals["heures_realisees"] or 0, totals["heures_prevues"] or 0)
    return totals


def walk_figures():
    today = timezone.localdate()
    statuts = dict(StatutPreconisation.choices)
    counts = dict(Preconisation.objects.values_list("statut").annotate(n=Count("id")))
    return {
        "marches": MarcheExploratoire.objects.count(),
        "passees": MarcheExploratoire.objects.filter(fin__lt=timezone.now()).count(),
        "preconisations": [(label, counts.get(key, 0)) for key, label in statuts.items()],
        "total": sum(counts.values()),
        "depassees": Preconisation.objects.filter(
            echeance__lt=today,
            statut__in=[StatutPreconisation.PROPOSEE, StatutPreconisation.ACCEPTEE, StatutPreconisation.EN_COURS],
        ).count(),
    }


def dashboard(months=12):
    since = timezone.now() - timedelta(days=round(months * 30.44))
    return {
        "depuis": since,
        "signalements": report_figures(since),
        "par_categorie": reports_by_category(since),
        "par_mois": reports_by_month(since),
        "par_secteur": reports_by_sector(since),
        "engagements": engagement_figures(),
        "chantiers": chantier_figures(),
        "marches": walk_figures(),
    }
