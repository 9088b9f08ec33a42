"""Figures of the protocol's engagements for dashboards and reviews: each engagement's
status at the end of a period, read from its validated dated history."""

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from commun.indicateurs import day_span
from territoire.models import Engagement

from .models import MiseAJour, Validation


def with_status_at(queryset, day):
    """Annotate `statut_a`: the status of the last validated update dated on or before `day`;
    before the first update, the status that update changed; the current status for an
    engagement without history."""
    validated = MiseAJour.objects.filter(engagement=OuterRef("pk"), validation=Validation.VALIDEE)
    last = validated.filter(date__lte=day).order_by("-date", "-id").values("statut")[:1]
    before_first = validated.filter(date__gt=day).order_by("date", "id").values("ancien_statut")[:1]
    return queryset.annotate(statut_a=Coalesce(Subquery(last), NullIf(Subquery(before_first), Value("")), "statut"))


def engagement_figures(since, until):
    first, last = day_span(since, until)
    statuts = dict(Engagement.Statut.choices)
    table = {}
    rows = (with_status_at(Engagement.objects.all(), last).values("axe", "statut_a")
            .annotate(n=Count("id")).order_by())
    for row in rows:
        table.setdefault(row["axe"], {})[row["statut_a"]] = row["n"]
    period = MiseAJour.objects.filter(date__gte=first, date__lte=last)
    moves = period.filter(validation=Validation.VALIDEE)
    return {
        "statuts": [(k, v) for k, v in statuts.items()],
        "axes": [
            {"axe": label, "cells": [table.get(axe, {}).get(s, 0) for s in statuts],
             "total": sum(table.get(axe, {}).values())}
            for axe, label in Engagement.Axe.choices
        ],
        "mises_a_jour": period.count(),
        "realises": moves.filter(statut=Engagement.Statut.REALISE).exclude(
            ancien_statut=Engagement.Statut.REALISE).count(),
        "en_attente": MiseAJour.objects.filter(validation=Validation.EN_ATTENTE).count(),
    }
