"""Domain rules of field reports, named as a GUSP team would name them."""

from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from chantiers.models import TERMINES, Chantier
from commun import courriels
from commun import photos as photo_intake
from commun.geometry import locate
from commun.idempotence import fingerprint, record_once
from commun.memo import ProcessCache
from territoire.models import Acteur, Secteur, Territoire
from territoire.services import perimeters

from .models import OUVERTS, Categorie, Evenement, Photo, RegleRoutage, Signalement, Source, Statut

DUPLICATE_RADIUS_M = 50
DUPLICATE_DAYS = 30
CHANTIER_RADIUS_M = 300

class TransitionRefusee(Exception):
    """A status change the workflow does not allow; the message is for the user."""


def content_fingerprint(lon, lat, categorie_slug, description, precision_m, observe_le, photos):
    """Hash of what a client sent, to tell a replay (same) from a conflict (different)."""
    return fingerprint({
        "lon": round(float(lon), 7),
        "lat": round(float(lat), 7),
        "categorie": categorie_slug,
        "description": (description or "").strip(),
        "precision_m": None if precision_m is None else round(float(precision_m), 1),
        "observe_le": observe_le.astimezone(UTC).isoformat(timespec="seconds"),
        "photos": sorted(str(p) for p in photos or []),
    })


def receive_signalement(auteur, *, geometry, categorie, observe_le, description="", precision_m=None, uuid,
                        photos=(), source=Source.AGENT):
    """A report as a phone sends it, once per UUID: (signalement, created).

    `geometry` is the checked point (`commun.geometry.Taken`); when it was taken with
    `placement` as annotations, its sector and nearby operation came with it. The same
    content sent again by the same person answers the stored report; anything else
    under that UUID raises `commun.idempotence.Conflit`.
    """
    point = geometry.wgs84
    digest = content_fingerprint(point.x, point.y, categorie.slug, description, precision_m, observe_le, photos)
    where = geometry.extra if set(PLACEMENT) <= set(geometry.extra) else None
    return record_once(
        Signalement, uuid,
        create=lambda: create_signalement(
            auteur=auteur, point=geometry.geom, territoire_id=geometry.territoire_id, categorie=categorie,
            description=description, precision_m=precision_m, observe_le=observe_le, uuid=uuid,
            photos_attendues=photos, empreinte=digest, source=source, where=where),
        is_replay=lambda existing: existing.empreinte == digest and existing.auteur_id == auteur.pk,
        conflict_message="Ce UUID a déjà été utilisé pour un signalement différent. Générez un nouvel UUID.",
    )


# --- Where a report lies, and who must act ---------------------------------------------

PLACEMENT = ("secteur", "maitre_ouvrage")


def placement(point):
    """The sector under a point and the maître d'ouvrage of the nearest unfinished
    operation within 300 m, as expressions evaluated on its territory's row (see
    commun.geometry.locate): the report's intake needs no query of its own for them."""
    operations = (
        Chantier.objects.filter(geom__dwithin=(point, D(m=CHANTIER_RADIUS_M)), maitre_ouvrage__isnull=False)
        .exclude(statut__in=TERMINES).annotate(d=Distance("geom", point)).order_by("d")
    )
    return {
        "secteur": Subquery(Secteur.objects.filter(territoire_id=OuterRef("pk"), geom__intersects=point)
                            .order_by("nom", "id").values("id")[:1]),
        "maitre_ouvrage": Subquery(operations.values("maitre_ouvrage_id")[:1]),
    }


def locate_report(point):
    """(territoire id, point in the storage SRID, placement) in one query."""
    territoire_id, _, stored, where = locate(point, perimeters(), placement)
    if territoire_id is None:
        return None, point, dict.fromkeys(PLACEMENT)
    return territoire_id, stored, where


def secteur_at(point, territoire_id):
    return Secteur.objects.filter(territoire_id=territoire_id, geom__intersects=point).first()


def nearest_chantier_maitre_ouvrage(point):
    """The maître d'ouvrage of the nearest unfinished operation within 300 m, if any."""
    chantier = (
        Chantier.objects.filter(geom__dwithin=(point, D(m=CHANTIER_RADIUS_M)), maitre_ouvrage__isnull=False)
        .exclude(statut__in=TERMINES)
        .annotate(d=Distance("geom", point))
        .order_by("d")
        .select_related("maitre_ouvrage")
        .first()
    )
    return chantier.maitre_ouvrage if chantier else None


def route_to_acteur(categorie, secteur, point=None):
    """Category × sector table first, then the category's (or its parent's) default acteur;
    a report about a works site goes to the nearest operation's maître d'ouvrage."""
    config = configuration()
    categorie = config.by_id.get(categorie.pk, categorie)
    maitre_ouvrage = None
    if point is not None and is_about_works(categorie):
        found = nearest_chantier_maitre_ouvrage(point)
        maitre_ouvrage = found.pk if found else None
    return route(categorie, secteur.pk if secteur else None, maitre_ouvrage, config)


def is_about_works(categorie):
    return any(c.slug.startswith("chantier") for c in chain_of(categorie))


def chain_of(categorie):
    return [categorie] + ([categorie.parent] if categorie.parent_id else [])


def route(categorie, secteur_id, maitre_ouvrage_id, config):
    """`route_to_acteur` on the process's copy of the routing table (no query)."""
    if maitre_ouvrage_id and is_about_works(categorie) and maitre_ouvrage_id in config.acteurs:
        return config.acteurs[maitre_ouvrage_id]
    for cat in chain_of(categorie):
        acteur_id = config.rules.get((cat.pk, secteur_id)) if secteur_id is not None else None
        acteur_id = acteur_id or config.rules.get((cat.pk, None)) or cat.acteur_defaut_id
        if acteur_id:
            return config.acteurs.get(acteur_id)
    return None


@dataclass
class Configuration:
    """Categories, routing rules, acteurs and sectors as this process last read them."""

    categories: dict  # slug → Categorie (parent loaded)
    by_id: dict
    rules: dict  # (categorie id, secteur id or None) → acteur id
    acteurs: dict
    secteurs: dict  # id → Secteur (without its geometry)


def _read_configuration():
    categories = list(Categorie.objects.select_related("parent"))
    return Configuration(
        categories={c.slug: c for c in categories},
        by_id={c.pk: c for c in categories},
        rules={(r.categorie_id, r.secteur_id): r.acteur_id for r in RegleRoutage.objects.all()},
        acteurs={a.pk: a for a in Acteur.objects.all()},
        secteurs={s.pk: s for s in Secteur.objects.defer("geom")},
    )


# Categories and routing are edited in the admin: a save clears this process's copy at
# once (signals connected in apps.py), the other processes' within 30 s (commun.memo).
CONFIGURATION = ProcessCache(_read_configuration, ttl=30)


def configuration():
    return CONFIGURATION.get()


def find_nearby_duplicates(categorie, point, queryset=None, radius_m=DUPLICATE_RADIUS_M,
                           days=DUPLICATE_DAYS, exclude_uuid=None):
    """Open reports of the same category within `radius_m` metres from the last `days` days."""
    qs = Signalement.objects.all() if queryset is None else queryset
    since = timezone.now() - timedelta(days=days)
    qs = qs.filter(
        categorie=categorie,
        statut__in=OUVERTS,
        cree_le__gte=since,
        geom__dwithin=(point, D(m=radius_m)),
    )
    if exclude_uuid:
        qs = qs.exclude(uuid=exclude_uuid)
    return qs.annotate(distance=Distance("geom", point)).order_by("distance")


def create_signalement(*, auteur, point, categorie, observe_le, territoire_id=None, description="",
                       precision_m=None, uuid=None, photos_attendues=(), empreinte="", source=Source.AGENT,
                       where=None):
    """Save a report, find its sector, set its deadline, log it and route it.

    Used by the API, and by walks when an annotation becomes a report. `where` is the
    report's placement when the caller already has it (`placement`); the point is then
    in the storage SRID. The report is written routed (status « transmis ») in one
    INSERT, its history rows in a second, and the acteur's e-mail is queued.
    """
    config = configuration()
    categorie = config.by_id.get(categorie.pk, categorie)
    if where is None or territoire_id is None or point.srid != settings.STORAGE_SRID:
        found, point, where = locate_report(point)
        territoire_id = territoire_id or found or Territoire.objects.order_by("id").values_list("id", flat=True).first()
    acteur = route(categorie, where["secteur"], where["maitre_ouvrage"], config)
    signalement = Signalement(
        geom=point,
        territoire_id=territoire_id,
        secteur=config.secteurs.get(where["secteur"]),
        categorie=categorie,
        description=(description or "").strip(),
        precision_m=precision_m,
        observe_le=observe_le,
        auteur=auteur,
        source=source,
        sensible=categorie.est_sensible(),
        photos_attendues=[str(p) for p in photos_attendues],
        empreinte=empreinte,
        statut=Statut.TRANSMIS if acteur else Statut.NOUVEAU,
        acteur=acteur,
        echeance=timezone.now() + timedelta(days=categorie.racine.delai_jours),
    )
    if uuid is not None:
        signalement.uuid = uuid
    signalement.save()
    events = [Evenement(signalement=signalement, type=Evenement.Type.CREATION, auteur=auteur,
                        nouveau_statut=Statut.NOUVEAU)]
    if acteur:
        events.append(Evenement(signalement=signalement, type=Evenement.Type.TRANSMISSION, ancien_statut=Statut.NOUVEAU,
                                nouveau_statut=Statut.TRANSMIS, nouvel_acteur=acteur))
    Evenement.objects.bulk_create(events)
    if acteur and acteur.email:
        notify("acteur", signalement, acteur_id=acteur.pk)
    return signalement


def log(signalement, type_, auteur=None, **fields):
    return Evenement.objects.create(signalement=signalement, type=type_, auteur=auteur, **fields)


def transmit(signalement, acteur, auteur=None, commentaire=""):
    """Route (or reroute) a report to an acteur: status "transmis", history row, e-mail."""
    ancien_acteur = signalement.acteur
    ancien_statut = signalement.statut
    signalement.acteur = acteur
    signalement.statut = Statut.TRANSMIS
    signalement.save(update_fields=["acteur", "statut", "mis_a_jour_le"])
    log(
        signalement,
        Evenement.Type.REASSIGNATION if ancien_acteur else Evenement.Type.TRANSMISSION,
        auteur,
        ancien_statut=ancien_statut,
        nouveau_statut=Statut.TRANSMIS,
        ancien_acteur=ancien_acteur,
        nouvel_acteur=acteur,
        commentaire=commentaire,
    )
    if acteur and acteur.email:
        notify("acteur", signalement, acteur_id=acteur.pk)


def change_status(signalement, statut, auteur, commentaire="", photo=None):
    if statut == signalement.statut:
        raise TransitionRefusee("Le signalement a déjà ce statut.")
    if not signalement.peut_passer_a(statut):
        raise TransitionRefusee(
            f"Passage de « {signalement.get_statut_display()} » à « {Statut(statut).label} » non autorisé."
        )
    if statut in (Statut.REJETE,) and not commentaire.strip():
        raise TransitionRefusee("Indiquez la raison du rejet.")
    ancien = signalement.statut
    signalement.statut = statut
    signalement.resolu_le = timezone.now() if statut == Statut.RESOLU else None
    signalement.save(update_fields=["statut", "resolu_le", "mis_a_jour_le"])
    log(signalement, Evenement.Type.STATUT, auteur, ancien_statut=ancien, nouveau_statut=statut,
        commentaire=commentaire, photo=photo)
    notify("reporter", signalement, auteur_id=auteur.pk if auteur else None)


def reassign(signalement, acteur, auteur, raison):
    if not raison.strip():
        raise TransitionRefusee("Indiquez pourquoi le signalement change de service.")
    if acteur == signalement.acteur:
        raise TransitionRefusee("Le signalement est déjà confié à cet acteur.")
    if signalement.statut not in OUVERTS:
        raise TransitionRefusee("Un signalement clos ne peut pas être réaffecté ; rouvrez-le d'abord.")
    transmit(signalement, acteur, auteur, commentaire=raison)


def mark_duplicate(signalement, original, auteur, commentaire=""):
    if original.pk == signalement.pk:
        raise TransitionRefusee("Un signalement ne peut pas être le doublon de lui-même.")
    if original.doublon_de_id == signalement.pk:
        raise TransitionRefusee("Ce signalement est déjà l'original de l'autre.")
    if not signalement.peut_passer_a(Statut.DOUBLON):
        raise TransitionRefusee("Seul un signalement ouvert peut être marqué comme doublon.")
    ancien = signalement.statut
    signalement.statut = Statut.DOUBLON
    signalement.doublon_de = original
    signalement.save(update_fields=["statut", "doublon_de", "mis_a_jour_le"])
    log(signalement, Evenement.Type.DOUBLON, auteur, ancien_statut=ancien, nouveau_statut=Statut.DOUBLON,
        commentaire=commentaire or f"Doublon de {original.uuid}")
    log(original, Evenement.Type.CONFIRMATION, None,
        commentaire=f"Signalement {str(signalement.uuid)[:8]} rattaché comme doublon.")
    notify("reporter", signalement, auteur_id=auteur.pk if auteur else None)


def confirm(signalement, auteur, commentaire=""):
    """A colleague saw it too. One confirmation per person; returns (event, created)."""
    existing = signalement.evenements.filter(type=Evenement.Type.CONFIRMATION, auteur=auteur).first()
    if existing:
        return existing, False
    return log(signalement, Evenement.Type.CONFIRMATION, auteur, commentaire=commentaire), True


def receive_photo(auteur, signalement, photo_uuid, raw, event_comment=""):
    """An idempotent photo upload: (photo, created). The same bytes under the same photo
    UUID answer the stored photo; other bytes (or another report) raise Conflit."""
    digest = photo_intake.sha256(raw)
    return record_once(
        Photo, photo_uuid,
        create=lambda: save_photo(signalement, photo_uuid, photo_intake.process(raw), auteur, event_comment),
        is_replay=lambda photo: photo.signalement_id == signalement.pk and photo.empreinte == digest,
        check_first=True,  # never re-encode an image already received
        conflict_message="Cet identifiant de photo est déjà utilisé pour une autre image.",
    )


def save_photo(signalement, photo_uuid, processed, auteur, event_comment=""):
    """Store a processed photo, its EXIF distance (computed in PostGIS) and a history row."""
    photo = Photo(uuid=photo_uuid, signalement=signalement, largeur=processed.largeur,
                  hauteur=processed.hauteur, empreinte=processed.empreinte, auteur=auteur)
    if processed.exif_lonlat:
        photo.exif_geom = Point(*processed.exif_lonlat, srid=settings.API_SRID)
    name = f"{signalement.uuid}/{photo_uuid}"
    photo.image.save(f"{name}.jpg", ContentFile(processed.image), save=False)
    photo.miniature.save(f"{name}-mini.jpg", ContentFile(processed.miniature), save=False)
    photo.save()
    if photo.exif_geom is not None:
        distance = (
            Photo.objects.filter(pk=photo.pk)
            .annotate(d=Distance("exif_geom", signalement.geom)).values_list("d", flat=True).get()
        )
        photo.exif_distance_m = round(distance.m, 1)
        photo.save(update_fields=["exif_distance_m"])
    log(signalement, Evenement.Type.PHOTO, auteur, photo=photo, commentaire=event_comment)
    return photo


def notify(kind, signalement, **ids):
    """Queue an e-mail about a report (`acteur` or `reporter`), in the caller's
    transaction; the worker writes and sends it (signalements.tasks)."""
    if courriels.is_paused():
        return
    from . import tasks

    task = tasks.notify_acteur if kind == "acteur" else tasks.notify_reporter
    task.defer(signalement_id=signalement.pk, **ids)


# --- The agent's phone: « Mes signalements » -------------------------------------------------

def describe_event(type_, nouveau_statut, acteur_nom):
    """One line of French for a history row, as the phone shows it."""
    if type_ == Evenement.Type.STATUT and nouveau_statut:
        return f"Statut : {Statut(nouveau_statut).label}"
    if type_ in (Evenement.Type.TRANSMISSION, Evenement.Type.REASSIGNATION) and acteur_nom:
        return f"Confié à {acteur_nom}"
    return Evenement.Type(type_).label if type_ in Evenement.Type.values else "Reçu"


def my_recent_signalements(user, limit=30):
    """The person's latest reports, each with its last history row (one query, no N+1)."""
    last = Evenement.objects.filter(signalement=OuterRef("pk")).order_by("-cree_le", "-id")
    rows = list(
        Signalement.objects.filter(auteur=user).select_related("categorie__parent")
        .annotate(_type=Subquery(last.values("type")[:1]), _statut=Subquery(last.values("nouveau_statut")[:1]),
                  _acteur=Subquery(last.values("nouvel_acteur__nom")[:1]),
                  derniere_etape_le=Subquery(last.values("cree_le")[:1]))
        .order_by("-cree_le", "-id")[:limit]
    )
    for s in rows:
        s.derniere_etape = describe_event(s._type, s._statut, s._acteur) if s._type else "Reçu"
    return rows


# --- Triage: one status for several reports ------------------------------------------------

@dataclass
class BulkResult:
    changed: list
    refused: list  # (signalement, French reason)


def change_status_bulk(signalements, statut, auteur, may_act, commentaire=""):
    """Apply `statut` to each report the person may act on (`may_act(signalement)`, checked per
    object); each change is its own transaction with its own history row and e-mail."""
    result = BulkResult(changed=[], refused=[])
    for signalement in signalements:
        if not may_act(signalement):
            result.refused.append((signalement, "seul le service en charge ou un pilote peut le faire"))
            continue
        try:
            with transaction.atomic():
                change_status(signalement, statut, auteur, commentaire)
        except TransitionRefusee as exc:
            result.refused.append((signalement, str(exc)))
        else:
            result.changed.append(signalement)
    return result


def last_handover(signalement, acteur_ids):
    """When a report was taken from one of these acteurs: the history row that moved it away
    (its new acteur and date), or None if the report was never theirs."""
    if not acteur_ids:
        return None
    return (
        Evenement.objects.filter(signalement=signalement, ancien_acteur_id__in=acteur_ids,
                                 type=Evenement.Type.REASSIGNATION)
        .select_related("nouvel_acteur").order_by("-cree_le", "-id").first()
    )
