"""The shared validation layer: what every request must be before a view reads it.

- `InputGuardMiddleware` answers a French 4xx before any view for what no view can use: an
  address or a query string too long (414), a body too large (413), a NUL byte or invalid
  UTF-8 in the path, the query string or a form's fields (400).
- `BoundedJSONParser` is the API's JSON parser (REST_FRAMEWORK DEFAULT_PARSER_CLASSES):
  bounded size and depth, UTF-8 only, no NUL character, no NaN or Infinity, and parse
  errors said in French ("JSON illisible : …").
- `parse_uuid` reads the UUID of a path (geometries go through `commun.geometry`, dates
  through `commun.filters.DateBoundField`, bboxes through `commun.filters.parse_bbox`).

Each refusal says what was wrong and what to send instead.
"""

import json
import math
import uuid as uuidlib
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

# An address of the application never needs more; browsers and proxies cut at 8 KiB.
MAX_QUERY_STRING = 4096
MAX_PATH = 2048
# A report, an annotation (1,000 vertices at most) or a score is a few kilobytes.
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Refus(Exception):
    """An input refused before it reaches a view: HTTP status and French message."""

    def __init__(self, status_code, message):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def check_text(value, what):
    """A decoded string without NUL (PostgreSQL's text cannot hold it)."""
    if "\x00" in value:
        raise Refus(400, f"Caractère nul (\\0) interdit dans {what} : retirez-le et renvoyez la requête.")


def check_encoded(raw, what):
    """A percent-encoded string (query string, urlencoded body) whose bytes are UTF-8 without NUL."""
    if isinstance(raw, str):
        raw = raw.encode("latin-1", errors="replace")
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        raise Refus(400, f"Caractère nul (\\0) interdit dans {what} : retirez-le et renvoyez la requête.")
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise Refus(400, f"Encodage illisible dans {what} : envoyez du texte encodé en UTF-8.") from None


def check_request(request):
    """Raise `Refus` for a request no view should read (see the module's docstring)."""
    if len(request.path_info) > MAX_PATH:
        raise Refus(414, f"Adresse trop longue (plus de {MAX_PATH} caractères).")
    check_text(request.path_info, "l'adresse")
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_STRING:
        raise Refus(414, f"Paramètres d'adresse trop longs ({len(query)} caractères, {MAX_QUERY_STRING} au plus) : "
                         "réduisez les filtres.")
    check_encoded(query, "les paramètres de l'adresse")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refus(400, "En-tête Content-Length invalide.") from None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit and length > limit:
        raise Refus(413, f"Requête trop volumineuse ({length / 1024 / 1024:.1f} Mo, "
                         f"{limit / 1024 / 1024:.0f} Mo au plus) : réduisez la taille des fichiers.")
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if request.method == "POST" and content_type in FORM_TYPES:
        try:
            if content_type == FORM_TYPES[0]:
                check_encoded(request.body, "les champs du formulaire")
            fields = request.POST
            files = request.FILES
        except (TooManyFieldsSent, TooManyFilesSent):
            raise Refus(413, "Trop de champs ou de fichiers dans le formulaire.") from None
        except RequestDataTooBig:
            raise Refus(413, "Formulaire trop volumineux : réduisez la taille des textes ou des fichiers.") from None
        except SuspiciousOperation:
            raise Refus(400, "Formulaire mal formé : rechargez la page et renvoyez-le.") from None
        for key, values in fields.lists():
            check_text(key, "les champs du formulaire")
            for value in values:
                check_text(value, "les champs du formulaire")
        for upload in files.values():
            check_text(upload.name or "", "le nom du fichier")


def refusal_response(request, refus):
    if request.path.startswith(("/api/", "/ogc/", "/open311/")):
        return JsonResponse({"detail": refus.message, "errors": {}}, status=refus.status_code)
    # A plain page: rendering a template could read the database or the refused input.
    page = (f'<!doctype html><html lang="fr"><meta charset="utf-8"><title>Requête refusée</title>'
            f"<h1>Requête refusée</h1><p>{escape(refus.message)}</p><p><a href=\"/\">Retour à l'accueil</a></p>")
    return HttpResponse(page, status=refus.status_code, content_type="text/html; charset=utf-8")


class InputGuardMiddleware:
    """Refuses, before any view, what no view can use (see `check_request`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except Refus as refus:
            return refusal_response(request, refus)
        return self.get_response(request)


# --- JSON -------------------------------------------------------------------------------

class CorpsTropGros(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Corps de requête trop volumineux."
    default_code = "trop_gros"


JSON_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de propriété attendu entre guillemets doubles",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Unterminated string starting at": "chaîne de caractères non terminée",
    "Extra data": "données en trop après la fin du document",
    "Invalid control character at": "caractère de contrôle interdit dans une chaîne",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Invalid \\uXXXX escape": "séquence \\uXXXX invalide",
}


def _reject_constant(name):
    raise ValueError(f"constant {name}")


def loads(raw, max_bytes=MAX_JSON_BYTES, max_depth=MAX_JSON_DEPTH):
    """Bytes of a JSON document → Python values, or `exceptions.ParseError` in French."""
    if len(raw) > max_bytes:
        raise CorpsTropGros(f"JSON trop volumineux ({len(raw) / 1024:.0f} Kio, {max_bytes // 1024} Kio au plus).")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise exceptions.ParseError("JSON illisible : le texte n'est pas encodé en UTF-8.") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise exceptions.ParseError(f"JSON illisible : imbrication trop profonde ({max_depth} niveaux au plus).") \
            from None
    except json.JSONDecodeError as exc:
        reason = next((fr for en, fr in JSON_MESSAGES.items() if exc.msg.startswith(en)), "syntaxe invalide")
        raise exceptions.ParseError(f"JSON illisible : {reason} (ligne {exc.lineno}, colonne {exc.colno}).") \
            from None
    except ValueError:
        raise exceptions.ParseError("JSON illisible : NaN et Infinity ne sont pas des nombres JSON.") from None
    check_json(data, max_depth)
    return data


def check_json(data, max_depth=MAX_JSON_DEPTH):
    """Depth at most `max_depth`, no NUL in any string or key, floats finite (iterative)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise exceptions.ParseError(
                    f"JSON illisible : imbrication trop profonde ({max_depth} niveaux au plus).")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_json_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_json_text(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise exceptions.ParseError("JSON illisible : nombre hors des limites (infini).")


def _check_json_text(value):
    if "\x00" in value:
        raise exceptions.ParseError("JSON illisible : caractère nul (\\u0000) interdit dans les textes.")


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with bounded size and depth and French parse errors."""

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return {}
        charset = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        if charset.lower().replace("-", "") != "utf8":
            raise exceptions.ParseError("JSON illisible : seul l'encodage UTF-8 est accepté.")
        return loads(stream.read(MAX_JSON_BYTES + 1))


# --- Identifiers of paths ---------------------------------------------------------------

def parse_uuid(raw, what="objet"):
    """An UUID → uuid.UUID, or a French 404 (the id of nothing that exists)."""
    try:
        return uuidlib.UUID(str(raw))
    except ValueError:
        raise exceptions.NotFound(f"Identifiant de {what} invalide : attendu un UUID.") from None
