"""The dashboard of a GUSP review or a comité de pilotage: each app's figures for a period
[since, until). The review (`revue/`) reads the same functions, so both agree."""

from datetime import timedelta

from django.utils import timezone

from chantiers.indicateurs import chantier_figures
from engagements.indicateurs import engagement_figures
from marches.indicateurs import walk_figures
from signalements.indicateurs import report_figures, reports_by_category, reports_by_month, reports_by_sector


def last_months(months=12, now=None):
    until = now or timezone.now()
    return until - timedelta(days=round(months * 30.44)), until


def dashboard(since, until):
    return {
        "depuis": since,
        "jusqua": until,
        "signalements": report_figures(since, until),
        "par_categorie": reports_by_category(since, until),
        "par_mois": reports_by_month(since, until),
        "par_secteur": reports_by_sector(since, until),
        "engagements": engagement_figures(since, until),
        "chantiers": chantier_figures(since, until),
        "marches": walk_figures(since, until),
    }
