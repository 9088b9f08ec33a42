"""Domain rules of walks, named as a walk's facilitator would name them."""

import uuid as uuidlib
from collections import defaultdict
from datetime import UTC

from django.contrib.gis.db.models.functions import Distance, PointOnSurface
from django.contrib.gis.measure import D
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone

from commun import photos as photo_intake
from commun.geometry import Rules
from commun.idempotence import Conflit, fingerprint, record_once
from signalements.models import Source
from signalements.services import create_signalement, save_photo

from .models import (
    Annotation,
    Etape,
    Participant,
    Preconisation,
    Reponse,
    Score,
    StatutPreconisation,
)

# An annotation drawn this close to a stop belongs to it.
ETAPE_RADIUS_M = 120
# Below this many people, a group's figures could point at someone: they are not shown.
MIN_GROUP = 3
NAMESPACE_SIGNALEMENT = uuidlib.UUID("0b1c5d2e-9a43-4f7e-8c21-6d6172636865")
# What a walk accepts on the map: the street along the perimeter counts (200 m); a twisted
# zone is repaired when one piece keeps 99 % of it.
ANNOTATION_RULES = Rules(types=("Point", "LineString", "Polygon"), max_outside_m=200, max_vertices=1000)
ROUTE_RULES = Rules(types=("LineString",), max_outside_m=200, max_vertices=5000)
ETAPE_RULES = Rules(types=("Point",), max_outside_m=200)


class ActionRefusee(Exception):
    """A step the follow-up does not allow; the message is for the user."""


def _rounded(coords):
    if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
        return [round(float(c), 7) for c in coords[:2]]
    return [_rounded(c) for c in coords]


def annotation_fingerprint(geojson, texte, critere, etape_id, observe_le, photo_uuid):
    return fingerprint({
        "type": geojson["type"],
        "coordinates": _rounded(geojson["coordinates"]),
        "texte": (texte or "").strip(),
        "critere": critere or "",
        "etape": etape_id,
        "observe_le": observe_le.astimezone(UTC).isoformat(timespec="seconds") if observe_le else None,
        "photo": str(photo_uuid) if photo_uuid else None,
    })


def score_fingerprint(etape_id, critere, valeur, commentaire):
    return fingerprint({"etape": etape_id, "critere": critere, "valeur": int(valeur),
                        "commentaire": (commentaire or "").strip()})


def nearest_etape(marche, geom, radius_m=ETAPE_RADIUS_M):
    """The walk's stop nearest to a geometry, if one is within `radius_m` metres (PostGIS)."""
    return (
        Etape.objects.filter(marche=marche, geom__dwithin=(geom, D(m=radius_m)))
        .annotate(d=Distance("geom", geom))
        .order_by("d", "ordre")
        .first()
    )


def _same(participant, digest):
    """A stored row is a replay when this participant sent this very content."""
    return lambda existing: existing.participant_id == participant.pk and existing.empreinte == digest


def _replay(model, uuid, participant, digest):
    """(row, False) when `uuid` was already recorded by this participant with this content."""
    existing = model.objects.filter(uuid=uuid).first()
    if existing is None:
        return None
    if _same(participant, digest)(existing):
        return existing, False
    raise Conflit("Ce UUID a déjà servi pour un autre contenu.")


def record_annotation(participant, *, uuid, geom, repaired, geojson, texte="", critere="", etape=None,
                      observe_le=None, photo_uuid=None):
    """Save an annotation once per client UUID. Returns (annotation, created)."""
    # The fingerprint holds what the client sent (no date: None), so a replay matches it.
    digest = annotation_fingerprint(geojson, texte, critere, etape.pk if etape else None, observe_le, photo_uuid)
    observe_le = observe_le or timezone.now()

    def create():
        return Annotation.objects.create(
            uuid=uuid, marche_id=participant.marche_id, participant=participant,
            etape=etape or nearest_etape(participant.marche, geom), geom=geom, geometrie_reparee=repaired,
            texte=(texte or "").strip(), critere=critere or "", observe_le=observe_le, photo_uuid=photo_uuid,
            empreinte=digest,
        )

    return record_once(Annotation, uuid, create, is_replay=_same(participant, digest), check_first=True,
                       conflict_message="Ce UUID (ou celui de la photo) a déjà servi pour un autre contenu.")


def record_score(participant, *, uuid, etape, critere, valeur, commentaire=""):
    """Save a 0–3 score once per client UUID; it supersedes this participant's previous
    score of the same criterion at the same stop. Returns (score, created)."""
    digest = score_fingerprint(etape.pk, critere, valeur, commentaire)
    found = _replay(Score, uuid, participant, digest)
    if found:
        return found
    try:
        with transaction.atomic():
            # One writer at a time per participant: superseding and inserting stay consistent.
            Participant.objects.select_for_update().filter(pk=participant.pk).first()
            found = _replay(Score, uuid, participant, digest)
            if found:
                return found
            Score.objects.filter(participant=participant, etape=etape, critere=critere, actif=True).update(
                actif=False)
            score = Score.objects.create(
                uuid=uuid, marche_id=participant.marche_id, etape=etape, participant=participant, critere=critere,
                valeur=valeur, commentaire=(commentaire or "").strip(), empreinte=digest,
            )
    except IntegrityError:
        found = _replay(Score, uuid, participant, digest)
        if found:
            return found
        raise Conflit("Ce UUID a déjà servi pour une autre note.") from None
    return score, True


def attach_photo(annotation, photo_uuid, raw):
    """Idempotent photo of an annotation: (annotation, created); Conflit on another image.

    The image goes through the reports' intake (EXIF stripped, resized), never another.
    """
    digest = photo_intake.sha256(raw)
    with transaction.atomic():
        annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
        if annotation.photo_uuid and str(annotation.photo_uuid) != str(photo_uuid):
            raise Conflit("Cette annotation attend une autre photo (identifiant différent).")
        if annotation.photo:
            if annotation.photo_empreinte == digest:
                return annotation, False
            raise Conflit("Une autre image a déjà été envoyée sous cet identifiant.")
        processed = photo_intake.process(raw)  # PhotoRefusee carries the French message
        name = f"{annotation.marche_id}/{annotation.uuid}"
        annotation.photo_uuid = photo_uuid
        annotation.photo_empreinte = digest
        annotation.photo.save(f"{name}.jpg", ContentFile(processed.image), save=False)
        annotation.miniature.save(f"{name}-mini.jpg", ContentFile(processed.miniature), save=False)
        annotation.save(update_fields=["photo_uuid", "photo_empreinte", "photo", "miniature"])
    return annotation, True


# --- After the walk ---------------------------------------------------------------------

def promote_to_preconisation(annotation, *, acteur, auteur, proposition, priorite, echeance=None, probleme=""):
    """Turn an annotation into a recommendation, once."""
    with transaction.atomic():
        annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
        if Preconisation.objects.filter(annotation=annotation).exists():
            raise ActionRefusee("Cette annotation a déjà donné une préconisation.")
        return Preconisation.objects.create(
            marche_id=annotation.marche_id, annotation=annotation, etape_id=annotation.etape_id,
            geom=annotation.geom, probleme=(probleme or annotation.texte or "Constat de la marche").strip(),
            proposition=proposition.strip(), acteur=acteur, priorite=priorite, echeance=echeance, cree_par=auteur,
        )


def promote_to_signalement(annotation, *, categorie, auteur, description=""):
    """Turn an annotation into a field report (source: the walk), routed like any other.

    A line or a zone is reported at a point on its surface (PostGIS). The report's UUID
    derives from the annotation's, so a second click cannot make a second report.
    """
    from commun.photos import PhotoTraitee
    from signalements.models import Signalement

    with transaction.atomic():
        annotation = (
            Annotation.objects.select_for_update().annotate(point=PointOnSurface("geom")).get(pk=annotation.pk)
        )
        if annotation.signalement_id:
            raise ActionRefusee("Cette annotation a déjà donné un signalement.")
        report_uuid = uuidlib.uuid5(NAMESPACE_SIGNALEMENT, str(annotation.uuid))
        if Signalement.objects.filter(uuid=report_uuid).exists():
            raise ActionRefusee("Cette annotation a déjà donné un signalement.")
        marche = annotation.marche
        text = (description or annotation.texte or "").strip()
        signalement = create_signalement(
            auteur=auteur, point=annotation.point, categorie=categorie, observe_le=annotation.observe_le,
            territoire_id=marche.territoire_id, description=f"{text}\n(Marche exploratoire : {marche.titre})"[:1000],
            uuid=report_uuid, source=Source.MARCHE,
        )
        if annotation.photo:
            with annotation.photo.open("rb") as full, annotation.miniature.open("rb") as mini:
                processed = PhotoTraitee(full.read(), mini.read(), annotation.photo.width,
                                         annotation.photo.height, annotation.photo_empreinte, None)
            save_photo(signalement, uuidlib.uuid5(report_uuid, "photo"), processed, auteur,
                       event_comment="Photo prise pendant la marche exploratoire")
        annotation.signalement = signalement
        annotation.save(update_fields=["signalement"])
    return signalement


TRANSITIONS = {
    StatutPreconisation.PROPOSEE: {StatutPreconisation.ACCEPTEE, StatutPreconisation.EN_COURS,
                                   StatutPreconisation.REALISEE, StatutPreconisation.REFUSEE},
    StatutPreconisation.ACCEPTEE: {StatutPreconisation.EN_COURS, StatutPreconisation.REALISEE,
                                   StatutPreconisation.REFUSEE},
    StatutPreconisation.EN_COURS: {StatutPreconisation.REALISEE, StatutPreconisation.REFUSEE},
    StatutPreconisation.REALISEE: {StatutPreconisation.EN_COURS},
    StatutPreconisation.REFUSEE: {StatutPreconisation.EN_COURS},
}


def answer(preconisation, *, auteur, acteur, statut, texte):
    """An acteur's answer: a history row, and the recommendation's status if it changes."""
    texte = (texte or "").strip()
    if not texte:
        raise ActionRefusee("Écrivez la réponse : les participantes et participants la liront à la restitution.")
    ancien = preconisation.statut
    if statut and statut != ancien and statut not in TRANSITIONS[StatutPreconisation(ancien)]:
        raise ActionRefusee(
            f"Passage de « {StatutPreconisation(ancien).label} » à « {StatutPreconisation(statut).label} » "
            "non autorisé."
        )
    if statut == StatutPreconisation.REFUSEE and ancien != statut and len(texte) < 10:
        raise ActionRefusee("Expliquez pourquoi la préconisation est refusée.")
    with transaction.atomic():
        reponse = Reponse.objects.create(preconisation=preconisation, auteur=auteur, acteur=acteur,
                                         ancien_statut=ancien, statut=statut or ancien, texte=texte)
        if statut and statut != ancien:
            preconisation.statut = statut
        preconisation.save(update_fields=["statut", "mis_a_jour_le"])
    return reponse


# --- Figures ------------------------------------------------------------------------------

def grid(marche):
    """Per stop and criterion: how many gave each score 0–3, the mean, the comments.

    One query for the counts; only each participant's active (latest) score counts.
    """
    rows = (
        Score.objects.filter(marche=marche, actif=True)
        .values("etape_id", "critere", "valeur")
        .annotate(n=Count("id"))
    )
    counts = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        counts[(row["etape_id"], row["critere"])][row["valeur"]] += row["n"]
    comments = defaultdict(list)
    for etape_id, critere, commentaire in (
        Score.objects.filter(marche=marche, actif=True).exclude(commentaire="")
        .order_by("cree_le").values_list("etape_id", "critere", "commentaire")
    ):
        comments[(etape_id, critere)].append(commentaire)
    result = {}
    for etape in marche.etapes.all():
        lines = []
        for critere in marche.criteres:
            dist = counts[(etape.pk, critere["slug"])]
            n = sum(dist)
            moyenne = sum(v * k for k, v in enumerate(dist)) / n if n else None
            lines.append({
                "slug": critere["slug"], "nom": critere["nom"], "n": n, "repartition": dist,
                "moyenne": moyenne, "pourcent": round(moyenne / 3 * 100) if n else 0,
                "parts": [round(c / n * 100, 1) if n else 0 for c in dist],
                "commentaires": comments[(etape.pk, critere["slug"])],
            })
        result[etape.pk] = lines
    return result


def participation(marches):
    """Participants by gender and by age bracket, counts only (never a name)."""
    qs = Participant.objects.filter(marche__in=marches)
    genres = dict(qs.values_list("genre").annotate(n=Count("id")).order_by())
    ages = dict(qs.values_list("tranche_age").annotate(n=Count("id")).order_by())
    return {
        "total": sum(genres.values()),
        "par_genre": [{"code": value or "non-precise", "libelle": str(label), "nombre": genres.get(value, 0)}
                      for value, label in Participant.Genre.choices],
        "par_tranche_age": [{"code": value or "non-precise", "libelle": str(label), "nombre": ages.get(value, 0)}
                            for value, label in Participant.TrancheAge.choices],
    }


def feeling_by_gender(marche, critere="sentiment-securite"):
    """Mean score of one criterion by self-declared gender: the gender-aware reading the
    DDFE asks for. A group of fewer than MIN_GROUP people is not shown."""
    rows = (
        Score.objects.filter(marche=marche, actif=True, critere=critere)
        .values("participant__genre")
        .annotate(personnes=Count("participant", distinct=True), moyenne=Avg("valeur"))
        .order_by()
    )
    order = [value for value, _ in Participant.Genre.choices]
    out = []
    for row in sorted(rows, key=lambda r: order.index(r["participant__genre"])):
        genre = row["participant__genre"]
        shown = row["personnes"] >= MIN_GROUP
        out.append({
            "code": genre or "non-precise",
            "libelle": str(Participant.Genre(genre).label),
            "personnes": row["personnes"] if shown else None,
            "moyenne": round(row["moyenne"], 2) if shown else None,
            "pourcent": round(row["moyenne"] / 3 * 100) if shown else 0,
            "masque": not shown,
        })
    return out
