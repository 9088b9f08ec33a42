"""The dashboard of a GUSP review or a comité de pilotage: each app's figures for a period."""

from datetime import timedelta

from django.utils import timezone

from chantiers.indicateurs import chantier_figures
from marches.indicateurs import walk_figures
from signalements.indicateurs import report_figures, reports_by_category, reports_by_month, reports_by_sector
from territoire.indicateurs import engagement_figures


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
