"""Open311 GeoReport v2 in our terms: categories as services, reports as service requests.

A request enters exactly as the REST API's reports do: the point through
`territoire.services.take_geometry` with the reports' rules, then
`signalements.services.receive_signalement`, idempotent on the report's UUID (our
documented extension `uuid`; without it every POST is a new report).
"""

import ipaddress
import math
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid as uuidlib
from http.client import HTTPConnection, HTTPSConnection

from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface, Transform
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from chantiers.models import Chantier
from commun import photos as photo_intake
from commun.geometry import GeometrieRefusee
from signalements.models import OUVERTS, Categorie, Evenement, Photo, Signalement, Statut
from signalements.serializers import POINT_RULES
from territoire.models import Equipement
from territoire.services import take_geometry

OPEN = [str(s) for s in OUVERTS]
CLOSED = [str(s) for s in Statut if s not in OUVERTS]
MEDIA_TIMEOUT_S = 10
MAX_RESULTS = 1000
DEFAULT_DAYS = 90


class Refus(ValueError):
    """Input Open311 cannot take: (HTTP status, French description)."""

    def __init__(self, description, status=400):
        super().__init__(description)
        self.status = status


def services_list():
    """Every active category; its family is the Open311 group."""
    categories = Categorie.objects.filter(actif=True).select_related("parent").order_by("ordre", "nom")
    return [{
        "service_code": c.slug,
        "service_name": c.nom,
        "description": str(c),
        "metadata": False,  # no category asks questions beyond the description
        "type": "realtime",
        "keywords": "",
        "group": c.parent.nom if c.parent_id else c.nom,
    } for c in categories]


def category(code, status=400):
    found = Categorie.objects.filter(actif=True, slug=code).select_related("parent").first()
    if found is None:
        raise Refus(f"Service inconnu : « {str(code)[:60]} ». La liste est sur services.json.", status=status)
    return found


def _number(raw, name, low, high):
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise Refus(f"« {name} » attend un nombre décimal (degrés WGS84).") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise Refus(f"« {name} » doit être entre {low} et {high} degrés (WGS84).")
    return value


def _plain_text(text):
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if ch.isalnum() or ch == " ").strip()


def place_of(address):
    """A point for an address of the neighbourhood: a facility or an operation whose name
    or address contains it (there is no street geocoder offline)."""
    wanted = _plain_text(address)
    if len(wanted) < 4:
        raise Refus("« address_string » trop court : envoyez plutôt « lat » et « long ».")
    matches = []
    for model in (Equipement, Chantier):
        for pk, nom, adresse in model.objects.values_list("pk", "nom", "adresse"):
            if wanted in _plain_text(nom) or (adresse and wanted in _plain_text(adresse)):
                matches.append((model, pk))
    if len(matches) != 1:
        detail = "plusieurs lieux correspondent" if matches else "aucun équipement ni chantier ne porte ce nom"
        raise Refus(f"Adresse « {address[:80]} » non localisée ({detail}) : envoyez « lat » et « long ».")
    model, pk = matches[0]
    point = model.objects.filter(pk=pk).annotate(
        p=Transform(PointOnSurface("geom"), settings.API_SRID)).values_list("p", flat=True).get()
    return point.y, point.x


def location(data):
    """The point sent (`lat`/`long`, or `address_string` of a known place) → Taken."""
    if data.get("lat") not in (None, "") or data.get("long") not in (None, ""):
        lat = _number(data.get("lat"), "lat", -90, 90)
        lon = _number(data.get("long"), "long", -180, 180)
    elif data.get("address_string"):
        lat, lon = place_of(str(data["address_string"]))
    else:
        raise Refus("Position manquante : envoyez « lat » et « long » (WGS84), ou « address_string ».")
    try:
        return take_geometry({"type": "Point", "coordinates": [lon, lat]}, POINT_RULES)
    except GeometrieRefusee as exc:
        raise Refus(str(exc)) from None


def idempotency_key(data, header):
    raw = data.get("uuid") or header
    if data.get("uuid") and header and str(data["uuid"]) != header:
        raise Refus("« uuid » et l'en-tête Idempotency-Key diffèrent : envoyez la même clé.")
    if not raw:
        return None
    try:
        return uuidlib.UUID(str(raw))
    except ValueError:
        raise Refus(f"« uuid » : « {str(raw)[:40]} » n'est pas un UUID valide.") from None


def observed_at(key, auteur):
    """Open311 sends no observation time: now, or for a replay the stored one (what the
    client sent is the same; the time was never part of it)."""
    if key is not None:
        existing = Signalement.objects.filter(uuid=key, auteur=auteur).values_list("observe_le", flat=True).first()
        if existing:
            return existing
    return timezone.now()


def photo_uuid_for(report_uuid):
    return uuidlib.uuid5(report_uuid, "open311-media")


# --- media_url: fetched once, never from this machine's network --------------------------

class MediaRefusee(Exception):
    pass


def _check_peer(sock):
    address = ipaddress.ip_address(sock.getpeername()[0])
    if not getattr(settings, "OPEN311_MEDIA_PRIVATE_OK", False) and not address.is_global:
        raise MediaRefusee("adresse privée refusée")


class _PublicHTTP(HTTPConnection):
    def connect(self):
        super().connect()
        _check_peer(self.sock)  # the address actually reached, after DNS: no rebinding


class _PublicHTTPS(HTTPSConnection):
    def connect(self):
        super().connect()
        _check_peer(self.sock)


class _Handler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    def http_open(self, req):
        return self.do_open(_PublicHTTP, req)

    def https_open(self, req):
        return self.do_open(_PublicHTTPS, req, context=self._context)


def fetch_media(url):
    """The image at `media_url`: http(s) only, public addresses only, 15 MB at most."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise MediaRefusee("seules les adresses http(s) sont acceptées")
    opener = urllib.request.build_opener(_Handler())
    try:
        with opener.open(urllib.request.Request(url, headers={"User-Agent": "quartier-open311"}),
                         timeout=MEDIA_TIMEOUT_S) as response:
            body = response.read(photo_intake.MAX_BYTES + 1)
    except (TimeoutError, urllib.error.URLError, OSError, ValueError) as exc:
        raise MediaRefusee(getattr(exc, "reason", None) or str(exc)) from None
    if len(body) > photo_intake.MAX_BYTES:
        raise MediaRefusee("image trop lourde (15 Mo au plus)")
    return body


# --- Reading requests ----------------------------------------------------------------------

def request_rows(queryset):
    """Open311 fields of each report, in one query (photo and last status note as subqueries)."""
    first_photo = Photo.objects.filter(signalement=OuterRef("pk")).order_by("cree_le").values("uuid")[:1]
    last_note = (Evenement.objects.filter(signalement=OuterRef("pk"), type=Evenement.Type.STATUT)
                 .exclude(commentaire="").order_by("-cree_le", "-id").values("commentaire")[:1])
    return (queryset.select_related("categorie__parent", "acteur", "secteur")
            .annotate(point=Transform("geom", settings.API_SRID), photo_uuid=Subquery(first_photo),
                      note=Subquery(last_note)))


def as_request(signalement, absolute):
    photo = signalement.photo_uuid
    return {
        "service_request_id": str(signalement.uuid),
        "status": "open" if signalement.statut in OPEN else "closed",
        "status_notes": signalement.note or signalement.get_statut_display(),
        "service_name": signalement.categorie.nom,
        "service_code": signalement.categorie.slug,
        "description": signalement.description,
        "agency_responsible": str(signalement.acteur) if signalement.acteur_id else None,
        "service_notice": None,
        "requested_datetime": signalement.cree_le.isoformat(),
        "updated_datetime": signalement.mis_a_jour_le.isoformat(),
        "expected_datetime": signalement.echeance.isoformat() if signalement.echeance else None,
        "address": signalement.secteur.nom if signalement.secteur_id else None,
        "address_id": None,
        "zipcode": None,
        "lat": round(signalement.point.y, 7),
        "long": round(signalement.point.x, 7),
        "media_url": absolute(f"/signalements/{signalement.uuid}/photos/{photo}.jpg") if photo else None,
    }
