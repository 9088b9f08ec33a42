"""Demonstration programme of the Côte Sainte-Catherine (avenant 2020, article 4).

Dates, figures and footprints are plausible but fictitious, and flagged
`demonstration`. Loading is idempotent: operations by slug, milestones by label,
proposals by title.
"""

import json

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from territoire.models import Acteur, Territoire

from .models import Chantier, Jalon, Proposition

FIXTURE = settings.BASE_DIR / "fixtures" / "demo" / "chantiers.geojson"
FIELDS = [
    "nom", "type", "statut", "adresse", "description", "debut_prevu", "fin_prevue", "debut_reel",
    "fin_reelle", "logements_demolis", "logements_rehabilites", "logements_construits", "budget",
    "plan_financement", "heures_insertion_prevues", "heures_insertion_realisees", "beneficiaires_qpv",
]
DEFAULTS = {"adresse": "", "description": "", "plan_financement": "", "debut_reel": None,
            "fin_reelle": None, "budget": None}


def _geom(geometry):
    return GEOSGeometry(json.dumps(geometry), srid=settings.API_SRID) if geometry else None


@transaction.atomic
def load():
    with open(FIXTURE, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    acteurs = {a.slug: a for a in Acteur.objects.all()}
    territoire = Territoire.objects.order_by("id").first()
    count = 0
    for feature in features:
        props = feature["properties"]
        values = {name: props.get(name, DEFAULTS.get(name, 0)) for name in FIELDS}
        chantier, _ = Chantier.objects.update_or_create(
            slug=props["slug"],
            defaults={**values, "geom": _geom(feature["geometry"]), "territoire": territoire,
                      "maitre_ouvrage": acteurs[props["maitre_ouvrage"]], "demonstration": True},
        )
        chantier.financeurs.set([acteurs[slug] for slug in props.get("financeurs", [])])
        for ordre, jalon in enumerate(props.get("jalons", [])):
            Jalon.objects.update_or_create(
                chantier=chantier, libelle=jalon["libelle"],
                defaults={"date_prevue": jalon["date_prevue"], "date_reelle": jalon["date_reelle"],
                          "ordre": ordre},
            )
        for row in props.get("propositions", []):
            Proposition.objects.update_or_create(
                friche=chantier, titre=row["titre"],
                defaults={"texte": row["texte"], "geom": _geom(row["geom"]),
                          "conseil_citoyen": row["conseil_citoyen"], "demonstration": True,
                          "statut": Proposition.Statut.PUBLIEE},
            )
        count += 1
    return f"{count} chantiers de démonstration"
