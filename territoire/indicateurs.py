"""Figures of the protocol's engagements for dashboards and reviews."""

from django.db.models import Count

from .models import Engagement


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
