import django_filters

from territoire.models import Acteur, Engagement


class EngagementFilter(django_filters.FilterSet):
    """`/engagements/?axe=…&acteur=<slug>&statut=…&en_attente=oui`."""

    axe = django_filters.ChoiceFilter(choices=Engagement.Axe.choices, empty_label="Tous les axes")
    statut = django_filters.ChoiceFilter(choices=Engagement.Statut.choices, empty_label="Tous les statuts")
    acteur = django_filters.ModelChoiceFilter(
        field_name="acteurs", to_field_name="slug", empty_label="Tous les partenaires",
        queryset=Acteur.objects.filter(engagements__isnull=False).distinct().order_by("nom"),
        error_messages={"invalid_choice": "Partenaire inconnu."},
    )

    class Meta:
        model = Engagement
        fields = ["axe", "acteur", "statut"]
