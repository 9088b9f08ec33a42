"""What the comité de pilotage reviews for a period: the dashboard's figures (the same
functions, so the review and the dashboard agree) and the lists behind them."""

from django.utils import timezone

from chantiers.indicateurs import late_milestones
from commun.indicateurs import day_span
from engagements.models import MiseAJour, Validation
from gouvernance import services as gouvernance
from marches.models import Preconisation
from tableau.services import dashboard

from . import plan


def review(since, until):
    first, last = day_span(since, until)
    figures = dashboard(since, until)
    return {
        **figures,
        "plan": plan.build(since, until),
        "jalons_en_retard": late_milestones(since, until).select_related("chantier").order_by("date_prevue"),
        "engagements_changes": (MiseAJour.objects.filter(validation=Validation.VALIDEE, date__gte=first,
                                                         date__lte=last)
                                .exclude(ancien_statut="").select_related("engagement", "acteur")
                                .order_by("date", "id")),
        "preconisations": (Preconisation.objects.filter(marche__debut__gte=since, marche__debut__lt=until)
                           .select_related("acteur", "marche").order_by("echeance", "id")),
        "decisions_a_prendre": gouvernance.decisions_to_take(),
        "actions": gouvernance.open_actions(),
        "reunions": gouvernance.meetings_between(since, until).order_by("debut"),
        "genere_le": timezone.now(),
    }
