"""Demonstration data of the Côte Sainte-Catherine QPV, from the 2020 protocol.

Geometry is demonstration geometry (no official perimeter is available offline) and
says so. Loading is idempotent: every row is found by its natural key and updated.
"""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from commun import roles

from .models import Acteur, Engagement, Equipement, Secteur, Territoire

DEMO_DIR = settings.BASE_DIR / "fixtures" / "demo"
DEMO_SOURCE = "Périmètre de démonstration (non officiel) — à remplacer par import_qpv"
DEMO_PASSWORD = "demo"

# username -> (first name, last name, group, acteur slugs)
DEMO_USERS = {
    "pilote.demo": ("Camille", "Pilote", roles.PILOTE, ["agglo-politique-ville"]),
    "agent.demo": ("Sami", "Agent", roles.AGENT, []),
    "oph.demo": ("Nora", "Bailleur", None, ["oph"]),
    "ville.demo": ("Louis", "Services", None,
                   ["ville", "ville-proprete", "ville-voirie", "ville-eclairage",
                    "ville-espaces-verts"]),
    "conseil.demo": ("Inès", "Citoyenne", None, ["conseil-citoyen"]),
}


def _read(name):
    with open(DEMO_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


def _multipolygon(geometry):
    geom = GEOSGeometry(json.dumps(geometry), srid=4326)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=4326)
    return geom


@transaction.atomic
def load():
    features = _read("cote-sainte-catherine.geojson")["features"]
    by_kind = {}
    for feature in features:
        by_kind.setdefault(feature["properties"]["kind"], []).append(feature)

    acteurs = _load_acteurs()
    territoire = _load_territoire(by_kind["territoire"][0])
    for feature in by_kind["secteur"]:
        props = feature["properties"]
        Secteur.objects.update_or_create(
            territoire=territoire,
            slug=props["slug"],
            defaults={"nom": props["nom"], "geom": _multipolygon(feature["geometry"]),
                      "demonstration": True},
        )
    for feature in by_kind["equipement"]:
        props = feature["properties"]
        Equipement.objects.update_or_create(
            territoire=territoire,
            nom=props["nom"],
            defaults={
                "type": props["type"],
                "adresse": props["adresse"],
                "gestionnaire": acteurs.get(props["gestionnaire"]),
                "geom": GEOSGeometry(json.dumps(feature["geometry"]), srid=4326),
                "demonstration": True,
            },
        )
    _load_engagements(territoire, acteurs)
    _load_users(acteurs)
    return territoire


def _load_acteurs():
    acteurs = {}
    for row in _read("acteurs.json"):
        acteurs[row["slug"]], _ = Acteur.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "nom": row["nom"],
                "sigle": row.get("sigle", ""),
                "type": row["type"],
                "email": row.get("email", ""),
                "signataire": row.get("signataire", False),
                "acces_sensible": row.get("acces_sensible", False),
                "parent": acteurs.get(row.get("parent")),
            },
        )
    return acteurs


def _load_territoire(feature):
    props = feature["properties"]
    existing = Territoire.objects.filter(code=props["code"]).first()
    if existing and not existing.demonstration:
        return existing  # an official perimeter was imported: never overwrite it
    territoire, _ = Territoire.objects.update_or_create(
        code=props["code"],
        defaults={
            "nom": props["nom"],
            "commune": props["commune"],
            "code_insee": props["code_insee"],
            "geom": _multipolygon(feature["geometry"]),
            "demonstration": True,
            "source": DEMO_SOURCE,
        },
    )
    return territoire


def _load_engagements(territoire, acteurs):
    for row in _read("engagements.json"):
        engagement, created = Engagement.objects.update_or_create(
            territoire=territoire,
            numero=row["numero"],
            defaults={
                "axe": row["axe"],
                "texte": row["texte"],
                "attendu_des_autres": row["attendu_des_autres"],
            },
        )
        if created:
            engagement.suivi = f"Porteur(s) cité(s) dans l'avenant : {row['porteurs_cites']}."
            engagement.save(update_fields=["suivi"])
        engagement.acteurs.set([acteurs[slug] for slug in row["acteurs"]])


def _load_users(acteurs):
    User = get_user_model()
    for username, (first, last, group, slugs) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last,
                      "email": f"{username}@demo.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        for slug in slugs:
            acteurs[slug].membres.add(user)
    pilote = User.objects.get(username="pilote.demo")
    if not pilote.is_staff:
        pilote.is_staff = True
        pilote.is_superuser = True
        pilote.save(update_fields=["is_staff", "is_superuser"])
