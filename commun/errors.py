"""Error pages: JSON under /api/ (clients never get HTML), a French page elsewhere."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .api import CSRF_API, json_error

# When the database is unreachable, a client should try again after this many seconds
# (the phone's outbox keeps the report meanwhile).
RETRY_AFTER_S = 30
DATABASE_DOWN = "Service momentanément indisponible (base de données injoignable) : réessayez dans un instant."


def _is_api(request):
    return request.path.startswith("/api/")


def handler400(request, exception=None):
    if _is_api(request):
        return json_error(400, "Requête invalide (trop volumineuse ou mal formée).")
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without its token (a page left open, cookies blocked)."""
    if _is_api(request):
        return json_error(403, CSRF_API)
    return render(request, "403_csrf.html", status=403)


def handler403(request, exception=None):
    message = str(exception or "") or "Cette page est réservée à d'autres rôles."
    if _is_api(request):
        return json_error(403, message)
    return render(request, "403.html", {"message": message}, status=403)


def handler404(request, exception=None):
    if _is_api(request):
        return json_error(404, "Ressource introuvable.")
    return render(request, "404.html", status=404)


def database_unavailable(exc):
    """The database cannot be reached (down, restarting, out of connections)."""
    return isinstance(exc, OperationalError | InterfaceError)


def handler500(request):
    """Django calls this inside the `except` block of the failure, so the exception is
    known: an unreachable database is a 503 to retry, not a 500."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    if _is_api(request):
        return json_error(500, "Erreur interne du serveur.")
    return HttpResponse(render_to_string("500.html"), status=500)


def unavailable(request):
    if _is_api(request):
        response = json_error(503, DATABASE_DOWN)
    else:
        # Rendered without the request: its context processors would query the database.
        response = HttpResponse(render_to_string("503.html", {"message": DATABASE_DOWN}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once an account or an address has failed too often."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    message = (f"Trop d'essais de connexion infructueux : ce compte ou cette adresse est bloqué "
               f"pendant {minutes} minutes. Réessayez plus tard ou demandez à un pilote de vous aider.")
    if _is_api(request):
        response = json_error(429, message)
    else:
        response = render(request, "registration/bloque.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
