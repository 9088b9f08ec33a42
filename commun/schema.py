"""What the OpenAPI document (`/api/v1/schema/`) says beyond what drf-spectacular infers:
the French error body on every operation, the token exchange, the photo upload; and
Redoc's bundle as the documentation page loads it (`redoc_bundle`).

A client generated from the schema (openapi-python-client, tests/test_openapi_client.py)
must be able to read every answer: each status an operation can give is described.
"""

import functools

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

# Which error statuses an operation may answer, and why.
ERRORS = {
    "400": "Données ou paramètres invalides (message en français, champ par champ).",
    "401": "Jeton absent ou refusé.",
    "403": "Le compte ne peut pas faire cela.",
    "404": "Objet introuvable, ou que le compte ne peut pas voir.",
    "409": "Cet identifiant (UUID) a déjà servi pour un contenu différent.",
    "413": "Corps de requête trop volumineux (commun.validation).",
    "414": "Adresse ou paramètres trop longs (commun.validation).",
    "429": "Trop de demandes : réessayez après le délai de l'en-tête Retry-After.",
}


class ErreurApi(serializers.Serializer):
    """Every API error: `{"detail": …, "errors": {field: [messages]}}` in French."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class DemandeJeton(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


class Jeton(serializers.Serializer):
    token = serializers.CharField(help_text="À envoyer ensuite dans l'en-tête « Authorization: Token <jeton> ».")


class PhotoRecue(serializers.Serializer):
    """The answer to a photo upload (201 first, 200 on an identical replay)."""

    uuid = serializers.UUIDField()
    signalement = serializers.UUIDField()
    largeur = serializers.IntegerField()
    hauteur = serializers.IntegerField()
    exif_distance_m = serializers.FloatField(allow_null=True)
    exif_loin = serializers.BooleanField()


# The image as the request body, or a multipart form with a `photo` file.
PHOTO_REQUEST = {
    "application/octet-stream": {"type": "string", "format": "binary"},
    "multipart/form-data": {"type": "object", "required": ["photo"],
                            "properties": {"photo": {"type": "string", "format": "binary"}}},
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus the error answers each operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErreurApi, code)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses

    def _error_codes(self):
        method = self.method.upper()
        codes = ["400", "401", "403"]  # a bad filter or body; a refused token; a role
        if "{" in self.path:
            codes.append("404")
        codes.append("414")  # commun.validation refuses long addresses before any view
        if method in ("POST", "PUT", "PATCH"):
            codes.append("413")  # and bodies larger than DATA_UPLOAD_MAX_MEMORY_SIZE
        if method in ("POST", "PUT"):
            codes.append("409")  # idempotent writes: the same key for another content
        if getattr(self.view, "throttle_scope", None) or self.view.throttle_classes:
            codes.append("429")
        return codes


# --- Redoc, served without reaching for its vendor's CDN -------------------------------

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E"


@functools.lru_cache(maxsize=1)
def _redoc_bundle():
    path = finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")
    with open(path, encoding="utf-8") as fh:
        return fh.read().replace(REDOC_LOGO, EMPTY_SVG)


def redoc_bundle(request):
    """drf-spectacular-sidecar's Redoc bundle, its one image from another host (the
    vendor's logo, drawn whatever the options) replaced by an empty SVG: the page's
    Content-Security-Policy then has nothing to refuse."""
    response = HttpResponse(_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
