"""Error pages: JSON under /api/ (clients never get HTML), a French page elsewhere."""

from django.shortcuts import render

from .api import json_error


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error(404, "Ressource introuvable.")
    return render(request, "404.html", status=404)


def handler400(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error(400, "Requête invalide (trop volumineuse ou mal formée).")
    return render(request, "400.html", status=400)


def handler500(request):
    if request.path.startswith("/api/"):
        return json_error(500, "Erreur interne du serveur.")
    return render(request, "500.html", status=500)
