"""Guards shared by every app, built on `commun.roles`: page decorators and API permissions.

Each app's own `permissions.py` says who may see or act on its objects; these only ask
who the person is. A page refused to a signed-in person raises PermissionDenied (a French
403 page, JSON under /api/); an anonymous visitor is sent to the login page.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from . import roles

PILOTES_ONLY = "Cette action est réservée aux pilotes du contrat de ville."
PROFESSIONALS_ONLY = "Cette page est réservée aux professionnels connectés (agents, services, pilotes)."


def _guard(allowed, message):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


pilote_required = _guard(roles.is_pilote, PILOTES_ONLY)
professional_required = _guard(roles.is_staff_member, PROFESSIONALS_ONLY)


class SignedIn(permissions.BasePermission):
    """Any signed-in account; what it then sees is narrowed by the app's visibility rules."""

    message = "Réservé aux agents, services et pilotes connectés."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


def authenticate_client(request):
    """The person behind a plain Django view that API clients also call (photos, OGC
    API): an `Authorization: Token …` header first (QGIS, GDAL, scripts), else the session.

    A wrong or inactive token raises DRF's AuthenticationFailed, for a 401: a client is
    never sent to the login page.
    """
    from rest_framework.authentication import SessionAuthentication, TokenAuthentication
    from rest_framework.request import Request

    user = Request(request, authenticators=[TokenAuthentication(), SessionAuthentication()]).user
    request.user = user
    return user


def accepts_api_token(view):
    """A page an API client also reads (the photo URLs the API answers): an
    `Authorization: Token …` header signs the request in; a wrong one is a JSON 401."""
    from django.http import JsonResponse
    from rest_framework.exceptions import AuthenticationFailed

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.headers.get("Authorization"):
            try:
                authenticate_client(request)
            except AuthenticationFailed as exc:
                return JsonResponse({"detail": f"Jeton refusé : {exc.detail}", "errors": {}}, status=401)
        return view(request, *args, **kwargs)

    return wrapped
