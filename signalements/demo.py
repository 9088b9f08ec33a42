"""A year of plausible reports on the demo territory, with routing and history.

Idempotent: routing is updated in place; reports are created once (their UUIDs are
derived from their rank), so a second load adds nothing.
"""

import io
import random
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from commun import photos as photo_intake
from territoire.models import Acteur, Secteur, Territoire

from .categories import seed
from .models import Categorie, Evenement, RegleRoutage, Signalement, Source, Statut
from .services import route_to_acteur

NAMESPACE = uuid.UUID("6f1c1f1e-55c0-4d29-a8e1-550290000000")
N_REPORTS = 420
N_PHOTOS = 36

DEFAULT_ACTEURS = {
    "proprete": "ville-proprete",
    "depots": "agglo-dechets",
    "tags": "ville-proprete",
    "eclairage": "ville-eclairage",
    "voirie": "ville-voirie",
    "espaces-verts": "ville-espaces-verts",
    "mobilier": "ville-voirie",
    "parties-communes": "oph",
    "stationnement": "police-municipale",
    "tranquillite": "ddsp",
    "chantier": "agglo-politique-ville",
    "autre": "agglo-politique-ville",
}
# Residential land of the OPH: its own staff clean and maintain it.
SECTOR_RULES = [
    ("proprete", "bourgogne-champagne", "oph"),
    ("espaces-verts", "bourgogne-champagne", "oph"),
    ("tags", "bourgogne-champagne", "oph"),
]
# Relative frequency of each category in a year of GUSP reports.
WEIGHTS = {
    "proprete": 20, "depots": 18, "tags": 8, "eclairage": 9, "voirie": 7, "espaces-verts": 6,
    "mobilier": 4, "parties-communes": 12, "stationnement": 5, "tranquillite": 6, "chantier": 3,
    "autre": 2,
}
TEXTES = {
    "proprete": ["Papiers et canettes au pied de l'immeuble", "Déjections devant l'entrée de l'école",
                 "Corbeille qui déborde près de l'arrêt de bus"],
    "depots": ["Matelas et sommier déposés contre le mur", "Sacs d'ordures à côté des conteneurs",
               "Gravats abandonnés sur le parking"],
    "tags": ["Tag sur la façade du centre socioculturel", "Affiches collées sur l'abribus"],
    "eclairage": ["Lampadaire éteint depuis plusieurs soirs", "Candélabre penché après un choc"],
    "voirie": ["Nid-de-poule dangereux devant le n° 12", "Dalle de trottoir soulevée"],
    "espaces-verts": ["Toboggan cassé sur l'aire de jeux", "Haie qui gêne le passage"],
    "mobilier": ["Banc arraché", "Potelet couché sur le trottoir"],
    "parties-communes": ["Ascenseur en panne au 4e", "Porte du hall qui ne ferme plus",
                         "Caves ouvertes, odeur forte"],
    "stationnement": ["Voiture sans plaques depuis trois semaines", "Stationnement sur le passage piéton"],
    "tranquillite": ["Regroupement bruyant tard le soir dans le hall", "Rodéos de scooters sur le parking"],
    "chantier": ["Clôture de chantier renversée", "Cheminement provisoire boueux, poussettes bloquées"],
    "autre": ["Panneau d'information illisible", "Boîte aux lettres arrachée"],
}
COLORS = [(120, 144, 156), (141, 110, 99), (96, 125, 139), (85, 139, 47), (183, 28, 28)]


@transaction.atomic
def load():
    territoire, secteurs = configure_routing()
    first = uuid.uuid5(NAMESPACE, "0")
    if Signalement.objects.filter(uuid=first).exists():
        return f"{Signalement.objects.count()} signalements (déjà chargés)"
    return _create_year(territoire, list(secteurs.values()))


def configure_routing():
    """Default acteur of each category, and the sector exceptions (OPH land).

    The categories come with the migrations; a database whose rows were emptied since
    (a flushed test database, a wiped instance) gets them again, never overwriting edits."""
    if not Categorie.objects.exists():
        seed(Categorie)
    acteurs = {a.slug: a for a in Acteur.objects.all()}
    for slug, acteur_slug in DEFAULT_ACTEURS.items():
        Categorie.objects.filter(slug=slug).update(acteur_defaut=acteurs.get(acteur_slug))
    territoire = Territoire.objects.order_by("id").first()
    secteurs = {s.slug: s for s in Secteur.objects.filter(territoire=territoire)}
    for cat_slug, sect_slug, acteur_slug in SECTOR_RULES:
        if sect_slug in secteurs:
            RegleRoutage.objects.update_or_create(
                categorie=Categorie.objects.get(slug=cat_slug), secteur=secteurs[sect_slug],
                defaults={"acteur": acteurs[acteur_slug]},
            )
    return territoire, secteurs


def _random_point(rng, secteur):
    xmin, ymin, xmax, ymax = secteur.geom.extent
    while True:
        point = Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax), srid=secteur.geom.srid)
        if secteur.geom.contains(point):
            return point


def _create_year(territoire, secteurs):
    rng = random.Random(55029)
    now = timezone.now()
    users = get_user_model().objects.in_bulk(["agent.demo", "ville.demo", "oph.demo", "pilote.demo"],
                                              field_name="username")
    reporters = [users["agent.demo"]] * 6 + [users["ville.demo"], users["oph.demo"]]
    racines = {c.slug: c for c in Categorie.objects.filter(parent__isnull=True)}
    sous = {}
    for cat in Categorie.objects.filter(parent__isnull=False).select_related("parent"):
        sous.setdefault(cat.parent.slug, []).append(cat)
    routing_cache = {}

    reports, stamps, histories = [], [], []
    for i in range(N_REPORTS):
        root_slug = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        categorie = rng.choice(sous.get(root_slug) or [racines[root_slug]])
        secteur = rng.choice(secteurs)
        days_ago = rng.uniform(0, 30) if rng.random() < 0.25 else rng.uniform(0, 365)
        created = now - timedelta(days=days_ago, minutes=rng.randint(0, 600))
        key = (categorie.id, secteur.id)
        if key not in routing_cache:
            routing_cache[key] = route_to_acteur(categorie, secteur)
        acteur = routing_cache[key]
        age = (now - created).days
        delai = racines[root_slug].delai_jours
        statut = _status_for(rng, age, delai)
        reporter = rng.choice(reporters)
        report = Signalement(
            uuid=uuid.uuid5(NAMESPACE, str(i)), geom=_random_point(rng, secteur), territoire=territoire,
            secteur=secteur, categorie=categorie, description=rng.choice(TEXTES[root_slug]),
            precision_m=round(rng.uniform(4, 25), 1), observe_le=created - timedelta(minutes=rng.randint(1, 90)),
            statut=statut, acteur=acteur, auteur=reporter,
            source=Source.AGENT if reporter.username == "agent.demo" else Source.SERVICE,
            sensible=categorie.est_sensible(), echeance=created + timedelta(days=delai),
            empreinte="demo",
        )
        resolved_at = None
        if statut in (Statut.RESOLU, Statut.REJETE, Statut.DOUBLON):
            resolved_at = created + timedelta(days=rng.uniform(0.2, delai * 1.8), hours=rng.randint(1, 8))
            resolved_at = min(resolved_at, now)
            if statut == Statut.RESOLU:
                report.resolu_le = resolved_at
        reports.append(report)
        stamps.append(created)
        histories.append(_history(rng, statut, created, resolved_at, reporter, acteur, users))

    Signalement.objects.bulk_create(reports)
    _set_times("signalements_signalement", [(r.id, t) for r, t in zip(reports, stamps, strict=True)])
    events, event_times = [], []
    for report, history in zip(reports, histories, strict=True):
        for type_, when, auteur, ancien, nouveau, comment, nouvel_acteur in history:
            events.append(Evenement(signalement=report, type=type_, auteur=auteur, ancien_statut=ancien,
                                    nouveau_statut=nouveau, commentaire=comment, nouvel_acteur=nouvel_acteur))
            event_times.append(when)
    Evenement.objects.bulk_create(events)
    _set_times("signalements_evenement", [(e.id, t) for e, t in zip(events, event_times, strict=True)])
    _add_photos(rng, reports[:N_PHOTOS])
    return f"{len(reports)} signalements de démonstration créés"


def _status_for(rng, age, delai):
    if age > 3 * delai:
        return rng.choices([Statut.RESOLU, Statut.REJETE, Statut.DOUBLON, Statut.EN_COURS],
                           weights=[82, 6, 6, 6])[0]
    if age > delai:
        return rng.choices([Statut.RESOLU, Statut.EN_COURS, Statut.TRANSMIS], weights=[50, 30, 20])[0]
    return rng.choices([Statut.TRANSMIS, Statut.EN_COURS, Statut.RESOLU], weights=[50, 30, 20])[0]


def _history(rng, statut, created, resolved_at, reporter, acteur, users):
    T = Evenement.Type
    rows = [(T.CREATION, created, reporter, "", Statut.NOUVEAU, "", None),
            (T.TRANSMISSION, created + timedelta(seconds=1), None, Statut.NOUVEAU, Statut.TRANSMIS, "", acteur)]
    handler = users["oph.demo"] if acteur and acteur.slug == "oph" else users["ville.demo"]
    if statut != Statut.TRANSMIS:
        started = created + timedelta(hours=rng.randint(2, 48))
        if resolved_at:
            started = min(started, resolved_at - timedelta(minutes=5))
        if statut in (Statut.EN_COURS, Statut.RESOLU):
            rows.append((T.STATUT, started, handler, Statut.TRANSMIS, Statut.EN_COURS,
                         "Intervention programmée.", None))
        if statut == Statut.RESOLU:
            rows.append((T.STATUT, resolved_at, handler, Statut.EN_COURS, Statut.RESOLU, "Fait, merci.", None))
        elif statut == Statut.REJETE:
            rows.append((T.STATUT, resolved_at, handler, Statut.TRANSMIS, Statut.REJETE,
                         "Hors de notre domaine d'intervention (terrain privé).", None))
        elif statut == Statut.DOUBLON:
            rows.append((T.DOUBLON, resolved_at, handler, Statut.TRANSMIS, Statut.DOUBLON,
                         "Déjà signalé la veille.", None))
    return rows


def _set_times(table, pairs):
    """One UPDATE for all rows: auto_now_add fields cannot be given at creation."""
    if not pairs:
        return
    with connection.cursor() as cursor:
        values = ", ".join(["(%s, %s::timestamptz)"] * len(pairs))
        params = [v for pair in pairs for v in pair]
        cursor.execute(
            f"UPDATE {table} AS t SET cree_le = v.ts FROM (VALUES {values}) AS v(id, ts) WHERE t.id = v.id",
            params,
        )


def _add_photos(rng, reports):
    from .services import save_photo

    for i, report in enumerate(reports):
        image = Image.new("RGB", (1600, 1200), COLORS[i % len(COLORS)])
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randint(0, 1500), rng.randint(0, 1100)
            draw.rectangle((x, y, x + rng.randint(40, 300), y + rng.randint(40, 200)),
                           fill=tuple(rng.randint(40, 220) for _ in range(3)))
        draw.text((40, 40), f"Photo de démonstration n° {i + 1}", fill=(255, 255, 255))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        processed = photo_intake.process(buffer.getvalue())
        photo = save_photo(report, uuid.uuid5(NAMESPACE, f"photo-{i}"), processed, report.auteur)
        # Taken with the report: the history shows it right after the creation.
        report.refresh_from_db(fields=["cree_le"])
        Evenement.objects.filter(photo=photo).update(cree_le=report.cree_le + timedelta(seconds=2))
