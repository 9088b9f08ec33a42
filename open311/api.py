"""Open311 GeoReport v2 endpoints (`/open311/v2/…{.json,.xml}`).

DRF views, so the API's authentication and rate limits apply: the `api_key` parameter
is an API token (as is an `Authorization: Token …` header). Errors are the spec's list
`[{code, description}]`, in French.
"""

import uuid as uuidlib
from datetime import timedelta
from xml.etree import ElementTree

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from commun import photos as photo_intake
from commun.filters import filter_bbox
from commun.idempotence import Conflit
from commun.validation import BoundedJSONParser
from signalements import services as signalements_services
from signalements.api import source_for
from signalements.permissions import can_report, visible_signalements

from . import services
from .services import Refus

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element of each item of a list, in the spec's XML.
XML_ITEMS = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
             "formats": "format", "attributes": "attribute"}


def to_xml(root, value):
    element = ElementTree.Element(root)
    if isinstance(value, list):
        for item in value:
            element.append(to_xml(XML_ITEMS.get(root, "item"), item))
    elif isinstance(value, dict):
        for key, item in value.items():
            element.append(to_xml(key, item))
    elif value is not None:
        element.text = str(value).lower() if isinstance(value, bool) else str(value)
    return element


def respond(data, fmt, root, status=200):
    if fmt == "xml":
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(to_xml(root, data), encoding="utf-8")
        return HttpResponse(body, content_type=CONTENT_TYPES["xml"], status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


class ApiKeyAuthentication(TokenAuthentication):
    """Open311's `api_key` parameter (query or form) is one of our API tokens."""

    def authenticate(self, request):
        key = request.query_params.get("api_key") or request._request.POST.get("api_key")
        if not key:
            return None
        return self.authenticate_credentials(key)


class Open311View(APIView):
    authentication_classes = [ApiKeyAuthentication, TokenAuthentication]
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser, BoundedJSONParser]
    schema = None  # Open311 documents itself (discovery); not part of /api/v1/schema/

    def handle_exception(self, exc):
        fmt = self.kwargs.get("fmt", "json")
        if isinstance(exc, Refus):
            return respond([{"code": exc.status, "description": str(exc)}], fmt, "errors", exc.status)
        if isinstance(exc, exceptions.APIException):
            status = 401 if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed) \
                else exc.status_code
            detail = exc.detail if isinstance(exc.detail, str) else "Requête refusée."
            if isinstance(exc, exceptions.AuthenticationFailed):
                detail = f"Clé d'API refusée : {exc.detail}"
            response = respond([{"code": status, "description": str(detail)}], fmt, "errors", status)
            if getattr(exc, "wait", None):
                response["Retry-After"] = str(int(exc.wait))
            return response
        return super().handle_exception(exc)

    def initial(self, request, *args, **kwargs):
        if kwargs.get("fmt") not in CONTENT_TYPES:
            raise Refus("Format inconnu : terminez l'adresse par .json ou .xml.", status=404)
        super().initial(request, *args, **kwargs)

    def signed_in(self, request):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(
                "Clé d'API requise (paramètre api_key : un jeton obtenu par POST /api/v1/auth/token/).")


class DiscoveryView(Open311View):
    def get(self, request, fmt):
        base = request.build_absolute_uri("/open311/v2/")
        return respond({
            "changeset": "2026-11-01T00:00:00+01:00",
            "contact": "Équipe projet politique de la ville (voir le site)",
            "key_service": request.build_absolute_uri("/api/v1/auth/token/"),
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                           "changeset": "2026-11-01T00:00:00+01:00", "type": "production",
                           "formats": ["application/json", "text/xml"]}],
        }, fmt, "discovery")


class ServicesView(Open311View):
    def get(self, request, fmt):
        return respond(services.services_list(), fmt, "services")


class ServiceDefinitionView(Open311View):
    def get(self, request, code, fmt):
        categorie = services.category(code, status=404)
        return respond({"service_code": categorie.slug, "attributes": []}, fmt, "service_definition")


class RequestsView(Open311View):
    def get(self, request, fmt):
        self.signed_in(request)
        params = request.query_params
        qs = visible_signalements(request.user)
        if params.get("service_request_id"):
            ids = [self._uuid(v) for v in params["service_request_id"].split(",") if v.strip()]
            qs = qs.filter(uuid__in=ids)
        else:
            qs = self._filtered(qs, params)
        rows = services.request_rows(qs.order_by("-cree_le"))[: services.MAX_RESULTS]
        return respond([services.as_request(s, request.build_absolute_uri) for s in rows], fmt, "service_requests")

    def _filtered(self, qs, params):
        if params.get("service_code"):
            qs = qs.filter(categorie__slug__in=[c.strip() for c in params["service_code"].split(",")])
        if params.get("status"):
            wanted = {s.strip() for s in params["status"].split(",")}
            if not wanted <= {"open", "closed"}:
                raise Refus("« status » attend open, closed ou open,closed.")
            qs = qs.filter(statut__in=(services.OPEN if "open" in wanted else [])
                           + (services.CLOSED if "closed" in wanted else []))
        start, end = self._date(params, "start_date"), self._date(params, "end_date")
        if start is None and end is None:
            start = timezone.now() - timedelta(days=services.DEFAULT_DAYS)
        if start:
            qs = qs.filter(cree_le__gte=start)
        if end:
            qs = qs.filter(cree_le__lte=end)
        try:
            return filter_bbox(qs, params.get("bbox"), "geom")
        except exceptions.ValidationError as exc:
            raise Refus(exc.detail["bbox"][0]) from None

    @staticmethod
    def _uuid(value):
        try:
            return uuidlib.UUID(value.strip())
        except ValueError:
            raise Refus(f"« service_request_id » : « {value[:40]} » n'est pas un identifiant de demande.") from None

    @staticmethod
    def _date(params, name):
        raw = params.get(name)
        if not raw:
            return None
        try:
            parsed = parse_datetime(raw.strip())
        except ValueError:
            parsed = None
        if parsed is None or not 1900 <= parsed.year <= 2200:
            raise Refus(f"« {name} » illisible : attendu une date-heure W3C, ex. 2026-11-01T00:00:00Z.")
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)

    def post(self, request, fmt):
        self.signed_in(request)
        if not can_report(request.user):
            raise exceptions.PermissionDenied("Votre compte ne permet pas de créer des signalements.")
        data = request.data
        categorie = services.category(data.get("service_code") or "")
        taken = services.location(data)
        description = str(data.get("description") or "").strip()
        if len(description) > 1000:
            raise Refus(f"« description » trop longue ({len(description)} caractères, 1000 au plus).")
        key = services.idempotency_key(data, request.headers.get("Idempotency-Key"))
        report_uuid = key or uuidlib.uuid4()
        upload = request.FILES.get("media") or request.FILES.get("photo")
        media_url = str(data.get("media_url") or "").strip()
        photo_uuid = services.photo_uuid_for(report_uuid) if (upload or media_url) else None
        raw = None
        if upload is not None:
            try:
                raw = photo_intake.read_upload(upload)
            except photo_intake.PhotoRefusee as exc:
                raise Refus(f"« media » : {exc}") from None
        try:
            signalement, created = signalements_services.receive_signalement(
                request.user, geometry=taken, categorie=categorie, observe_le=services.observed_at(key, request.user),
                description=description, precision_m=None, uuid=report_uuid,
                photos=[photo_uuid] if photo_uuid else [], source=source_for(request.user))
        except Conflit as exc:
            raise Refus(str(exc), status=409) from None
        notice = self._attach_photo(request, signalement, photo_uuid, raw, media_url)
        body = [{"service_request_id": str(signalement.uuid), "service_notice": notice, "account_id": None}]
        return respond(body, fmt, "service_requests", status=201 if created else 200)

    @staticmethod
    def _attach_photo(request, signalement, photo_uuid, raw, media_url):
        """The photo after the report is saved: a photo that fails never loses the report."""
        if photo_uuid is None:
            return "Signalement reçu et transmis au service concerné."
        try:
            if raw is None:
                raw = services.fetch_media(media_url)
            signalements_services.receive_photo(request.user, signalement, photo_uuid, raw)
        except (services.MediaRefusee, photo_intake.PhotoRefusee, Conflit) as exc:
            return f"Signalement reçu ; photo non reçue ({exc}) : envoyez-la par PUT " \
                   f"/api/v1/signalements/{signalement.uuid}/photos/{photo_uuid}."
        return "Signalement reçu avec sa photo et transmis au service concerné."


class RequestView(Open311View):
    def get(self, request, request_id, fmt):
        self.signed_in(request)
        uuid = RequestsView._uuid(request_id)
        rows = list(services.request_rows(visible_signalements(request.user).filter(uuid=uuid)))
        if not rows:
            raise Refus("Demande introuvable, ou que votre compte ne peut pas voir.", status=404)
        return respond([services.as_request(rows[0], request.build_absolute_uri)], fmt, "service_requests")


class TokenView(Open311View):
    """Requests are created at once: a token is the request's own UUID (the idempotency key)."""

    def get(self, request, token, fmt):
        self.signed_in(request)
        uuid = RequestsView._uuid(token)
        if not visible_signalements(request.user).filter(uuid=uuid).exists():
            raise Refus("Jeton inconnu.", status=404)
        return respond([{"service_request_id": str(uuid), "token": str(uuid)}], fmt, "service_requests")

