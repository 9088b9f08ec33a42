"""Demonstration walks: one night walk already done (scores, annotations, photos,
préconisations, some answered, two turned into field reports) so the restitution can be
seen at once, and one day walk to come, with its code.

Geometry comes from fixtures/demo/marches-exploratoires.geojson (inside the demo
perimeter). Idempotent: walks are found by their code, rows by UUIDs derived from
their rank; a second load changes nothing except moving a past "upcoming" walk ahead.
"""

import io
import json
import random
import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from signalements.models import Categorie
from territoire.models import Acteur, Territoire

from . import services
from .models import (
    Etape,
    MarcheExploratoire,
    Moment,
    Participant,
    Preconisation,
    Priorite,
    Reponse,
    Score,
    StatutPreconisation,
    criteres_defaut,
)

FIXTURE = settings.BASE_DIR / "fixtures" / "demo" / "marches-exploratoires.geojson"
NAMESPACE = uuid.UUID("9d7f3c1a-4be2-4c55-9a0e-6d6172636800")
CODE_NUIT = "NQT7HX"
CODE_JOUR = "CSC3MR"

# (genre, tranche d'âge) of the night walk's nine walkers: mostly women, as the DDFE asked.
WALKERS = [("femme", "26-40"), ("femme", "41-60"), ("femme", "18-25"), ("femme", "plus-60"), ("femme", "26-40"),
           ("femme", "41-60"), ("homme", "41-60"), ("homme", "18-25"), ("", "")]
# Where each stop stands, criterion by criterion (0–3), before each walker's own reading.
STOP_LEVELS = {
    1: {"eclairage": 2.4, "presence-humaine": 2.2, "sentiment-securite": 2.1},
    2: {"eclairage": 0.5, "visibilite": 0.7, "champ-de-vision": 0.6, "sentiment-securite": 0.8},
    3: {"eclairage": 1.2, "cheminement": 1.0, "proprete-entretien": 1.6},
    4: {"eclairage": 0.3, "presence-humaine": 0.4, "surveillance-aide": 0.5, "signaletique": 0.6,
        "sentiment-securite": 0.6},
    5: {"surveillance-aide": 0.6, "presence-humaine": 0.5, "sentiment-securite": 1.0},
    6: {"proprete-entretien": 0.8, "eclairage": 1.8},
    7: {"transports": 1.0, "eclairage": 0.9, "signaletique": 1.1},
}
COMMENTS = {
    (2, "eclairage"): "On entre dans le noir complet.",
    (4, "sentiment-securite"): "Je fais le détour par la rue pour ne pas passer là.",
    (4, "eclairage"): "Aucun lampadaire sur tout le chemin.",
    (5, "surveillance-aide"): "Si on crie, personne n'entend.",
    (7, "transports"): "Le dernier bus passe tôt, on ne sait jamais quand.",
}
# (annotation rank, acteur, proposition, priorité, months to deadline, answers [(statut, texte)])
PRECONISATIONS = [
    (1, "ville-eclairage", "Éclairer le porche vers la maison de santé (LED avec détection de présence).",
     Priorite.HAUTE, 3, [(StatutPreconisation.ACCEPTEE, "Accord : un luminaire LED sera posé sous le porche."),
                         (StatutPreconisation.EN_COURS, "Commande passée, pose prévue avant la fin du trimestre.")]),
    (2, "oph", "Tailler les haies du cheminement de la Sapinière à 1 m et éclairer le chemin.", Priorite.HAUTE, 2,
     [(StatutPreconisation.REALISEE,
       "Haies taillées à 1 m par l'équipe de proximité ; éclairage étudié avec la Ville.")]),
    (3, "police-municipale", "Passages réguliers en soirée sur le parking du stade.", Priorite.MOYENNE, 1, []),
    (6, "agglo", "Éclairer l'abribus de l'allée de Bourgogne et y afficher des horaires lisibles.", Priorite.HAUTE, 4,
     [(StatutPreconisation.ACCEPTEE, "Inscrit au programme de renouvellement des abribus de l'Agglomération.")]),
    (7, "ville", "Ouvrir le centre socioculturel un soir par semaine jusqu'à 21 h.", Priorite.BASSE, 6, []),
    (9, "ville-voirie", "Poser une signalétique piétonne vers la maison de santé et l'arrêt de bus.",
     Priorite.MOYENNE, 4, []),
]
# Annotations that became field reports (rank → category).
SIGNALEMENTS = {4: "eclairage-eteint", 5: "tags-tag"}


def _features():
    with open(FIXTURE, encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _geom(feature):
    return GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _demo_photo(seed):
    """A small night-scene picture, so the report shows photos without shipping any."""
    rng = random.Random(seed)
    image = Image.new("RGB", (960, 720), (18, 22, 40))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 960, 720), fill=(45, 45, 50))
    for _ in range(6):
        x = rng.randint(40, 900)
        draw.rectangle((x, 200, x + 90, 520), fill=(rng.randint(50, 70),) * 3)
    x = rng.randint(200, 700)
    draw.line((x, 520, x, 260), fill=(90, 90, 90), width=8)
    draw.ellipse((x - 40, 230, x + 40, 290), fill=(255, 214, 120) if seed % 2 else (40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


@transaction.atomic
def load():
    territoire = Territoire.objects.order_by("id").first()
    if territoire is None:
        return "aucun territoire : chargez d'abord territoire.demo"
    features = _features()
    nuit = _load_night_walk(territoire, [f for f in features if f["properties"]["marche"] == "nuit"])
    jour = _load_day_walk(territoire, [f for f in features if f["properties"]["marche"] == "jour"])
    return (f"2 marches exploratoires (code de la prochaine : {jour.code}) ; "
            f"{nuit.annotations.count()} annotations et {nuit.preconisations.count()} préconisations pour la marche "
            "de nuit")


def _route(marche, features):
    trace = next(f for f in features if f["properties"]["kind"] == "trace")
    marche.trace = _geom(trace)
    marche.save(update_fields=["trace"])
    etapes = {}
    for f in (f for f in features if f["properties"]["kind"] == "etape"):
        props = f["properties"]
        etapes[props["ordre"]], _ = Etape.objects.update_or_create(
            marche=marche, ordre=props["ordre"],
            defaults={"nom": props["nom"], "description": props.get("description", ""), "geom": _geom(f)},
        )
    return etapes


def _load_day_walk(territoire, features):
    today = timezone.localdate()
    marche = MarcheExploratoire.objects.filter(code=CODE_JOUR).first()
    if marche is None or marche.fin < timezone.now():
        day = today + timedelta(days=12)
        marche, _ = MarcheExploratoire.objects.update_or_create(code=CODE_JOUR, defaults={
            "titre": "Marche de jour : du centre socioculturel à la rue de Champagne",
            "territoire": territoire, "debut": _at(day, 14), "fin": _at(day, 16), "moment": Moment.JOUR,
            "organisateur": Acteur.objects.filter(slug="ddfe").first(),
            "theme": "Trajets du quotidien des femmes et des familles, abords des chantiers",
            "description": "Ouverte aux habitantes et habitants, avec le conseil citoyen. Départ devant le centre "
                           "socioculturel, environ deux heures.",
            "criteres": criteres_defaut(),
            "cree_par": get_user_model().objects.filter(username="pilote.demo").first(),
        })
    _route(marche, features)
    return marche


def _load_night_walk(territoire, features):
    marche = MarcheExploratoire.objects.filter(code=CODE_NUIT).first()
    pilote = get_user_model().objects.filter(username="pilote.demo").first()
    if marche is None:
        day = timezone.localdate() - timedelta(days=45)
        marche = MarcheExploratoire.objects.create(
            code=CODE_NUIT, titre="Marche exploratoire de nuit : le trajet du retour",
            territoire=territoire, debut=_at(day, 18, 30), fin=_at(day, 20, 30), moment=Moment.NUIT,
            organisateur=Acteur.objects.filter(slug="ddfe").first(),
            theme="Sentiment de sécurité des femmes sur les trajets du soir",
            description="Neuf habitantes et habitants, avec la DDFE, le centre socioculturel et le conseil citoyen, "
                        "du centre socioculturel à l'arrêt de bus de l'allée de Bourgogne.",
            criteres=criteres_defaut(), cree_par=pilote,
        )
    etapes = _route(marche, features)
    if marche.participants.exists():
        return marche
    walkers = [Participant.objects.create(marche=marche, genre=g, tranche_age=a) for g, a in WALKERS]
    _scores(marche, etapes, walkers)
    annotations = _annotations(marche, etapes, walkers, features)
    _preconisations(marche, annotations, pilote)
    if pilote:
        for rank, slug in SIGNALEMENTS.items():
            categorie = Categorie.objects.filter(slug=slug).first()
            if categorie:
                services.promote_to_signalement(annotations[rank], categorie=categorie, auteur=pilote)
    return marche


def _scores(marche, etapes, walkers):
    rng = random.Random(2020)
    rows = []
    for ordre, etape in etapes.items():
        levels = STOP_LEVELS.get(ordre, {})
        for w, walker in enumerate(walkers):
            # Women rate felt safety a little lower at night: the gap the gender reading looks for.
            bias = -0.4 if walker.genre == "femme" else 0.3
            for c in marche.criteres:
                base = levels.get(c["slug"], 1.8)
                if c["slug"] == "sentiment-securite":
                    base += bias
                valeur = max(0, min(3, round(base + rng.uniform(-0.8, 0.8))))
                commentaire = COMMENTS.get((ordre, c["slug"]), "") if w == 0 else ""
                rows.append(Score(
                    uuid=uuid.uuid5(NAMESPACE, f"score-{ordre}-{w}-{c['slug']}"), marche=marche, etape=etape,
                    participant=walker, critere=c["slug"], valeur=valeur, commentaire=commentaire,
                    empreinte=services.score_fingerprint(etape.pk, c["slug"], valeur, commentaire),
                ))
    Score.objects.bulk_create(rows)


def _annotations(marche, etapes, walkers, features):
    annotations = {}
    for f in (f for f in features if f["properties"]["kind"] == "annotation"):
        props = f["properties"]
        rank = props["rang"]
        walker = walkers[rank % 6]  # the six women wrote most of them
        photo_uuid = uuid.uuid5(NAMESPACE, f"photo-{rank}") if props["photo"] else None
        observed = marche.debut + timedelta(minutes=10 + 12 * (props["etape"] or 4))
        annotation, _ = services.record_annotation(
            walker, uuid=uuid.uuid5(NAMESPACE, f"annotation-{rank}"), geom=_geom(f), repaired=False,
            geojson=f["geometry"], texte=props["texte"], critere=props["critere"],
            etape=etapes.get(props["etape"]), observe_le=observed, photo_uuid=photo_uuid,
        )
        if photo_uuid:
            services.attach_photo(annotation, photo_uuid, _demo_photo(rank))
        annotations[rank] = annotation
    return annotations


def _preconisations(marche, annotations, pilote):
    acteurs = {a.slug: a for a in Acteur.objects.all()}
    for rank, slug, proposition, priorite, months, answers in PRECONISATIONS:
        annotation = annotations[rank]
        if Preconisation.objects.filter(annotation=annotation).exists() or slug not in acteurs:
            continue
        echeance = date.fromordinal(marche.debut.date().toordinal() + 30 * months)
        preco = services.promote_to_preconisation(annotation, acteur=acteurs[slug], auteur=pilote,
                                                  proposition=proposition, priorite=priorite, echeance=echeance)
        member = acteurs[slug].membres.first()
        for rank_answer, (statut, texte) in enumerate(answers, start=1):
            reponse = services.answer(preco, auteur=member or pilote, acteur=acteurs[slug], statut=statut,
                                      texte=texte)
            # Answers came in the weeks after the walk, not on the day the demo was loaded.
            Reponse.objects.filter(pk=reponse.pk).update(cree_le=marche.fin + timedelta(days=9 * rank_answer))
