from django.shortcuts import redirect, render
from django.urls import reverse

from territoire.models import Territoire

from .carte import ApiLayer, build_map, render_parts


def accueil(request):
    return redirect("carte")


def base_layers():
    """Territory, sectors and facilities: the layers every map starts with."""
    return [
        ApiLayer("Périmètre du QPV", "territoires", reverse("territoire-list"), "territoire",
                 fit=True, title="nom", fields=[["attribution", "Source"]]),
        ApiLayer("Secteurs GUSP", "secteurs", reverse("secteur-list"), "secteur",
                 tooltip="nom"),
        ApiLayer("Équipements", "equipements", reverse("equipement-list"), "equipement",
                 fields=[["type", "Type"], ["adresse", "Adresse"]]),
    ]


def carte(request):
    territoire = Territoire.objects.order_by("id").first()
    extra = territoire.attribution if territoire else ""
    fmap = build_map(base_layers(), attribution_extra=extra)
    context = {"titre": "Carte du quartier", "territoire": territoire, **render_parts(fmap)}
    return render(request, "commun/carte.html", context)
