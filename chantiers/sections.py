"""What the chantiers add to another app's page (commun.fiches): the renewal programme's
figures on the territory's page, marked "démonstration" when any of them is invented."""

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string

from .models import Chantier, Statut


def territoire_sections(request, territoires):
    rows = (
        Chantier.objects.filter(territoire__in=territoires)
        .values("territoire_id")
        .annotate(
            operations=Count("id"),
            livrees=Count("id", filter=Q(statut=Statut.LIVRE)),
            en_travaux=Count("id", filter=Q(statut=Statut.TRAVAUX)),
            demolis=Sum("logements_demolis"),
            rehabilites=Sum("logements_rehabilites"),
            construits=Sum("logements_construits"),
            heures_prevues=Sum("heures_insertion_prevues"),
            heures_realisees=Sum("heures_insertion_realisees"),
            beneficiaires=Sum("beneficiaires_qpv"),
            inventees=Count("id", filter=Q(demonstration=True)),
        )
        .order_by()
    )
    found = {row["territoire_id"]: row for row in rows}
    return {
        t.pk: render_to_string("chantiers/_programme_territoire.html", {"programme": found.get(t.pk)},
                               request=request)
        for t in territoires
    }
