"""Error pages: JSON under /api/ (clients never get HTML), a French page elsewhere."""

from django.shortcuts import render

from .api import json_error


def _is_api(request):
    return request.path.startswith("/api/")


def handler400(request, exception=None):
    if _is_api(request):
        return json_error(400, "Requête invalide (trop volumineuse ou mal formée).")
    return render(request, "400.html", status=400)


def handler403(request, exception=None):
    message = str(exception or "") or "Cette page est réservée à d'autres rôles."
    if _is_api(request):
        return json_error(403, message)
    return render(request, "403.html", {"message": message}, status=403)


def handler404(request, exception=None):
    if _is_api(request):
        return json_error(404, "Ressource introuvable.")
    return render(request, "404.html", status=404)


def handler500(request):
    if _is_api(request):
        return json_error(500, "Erreur interne du serveur.")
    return render(request, "500.html", status=500)
