"""Calendar feeds: `/agenda/public.ics` for everybody, `/agenda/<jeton>.ics` for one person
(a calendar app cannot sign in: the secret address is the key), `/agenda/` to find them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .models import JetonAgenda, new_jeton
from .services import calendar

ICS = "text/calendar; charset=utf-8"


def _ics(body, filename):
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def public_feed(request):
    return _ics(calendar("Côte Sainte-Catherine — agenda public"), "agenda-public.ics")


def personal_feed(request, jeton):
    found = JetonAgenda.objects.select_related("utilisateur").filter(jeton=jeton).first()
    if found is None or not found.utilisateur.is_active:
        raise Http404("Adresse d'agenda inconnue ou remplacée.")
    return _ics(calendar("Côte Sainte-Catherine — mon agenda", found.utilisateur), "mon-agenda.ics")


@login_required
def agenda_page(request):
    jeton, _ = JetonAgenda.objects.get_or_create(utilisateur=request.user)
    return render(request, "agenda/agenda.html", {
        "personnel": request.build_absolute_uri(f"/agenda/{jeton.jeton}.ics"),
        "public": request.build_absolute_uri("/agenda/public.ics"),
    })


@login_required
@require_POST
def renew(request):
    JetonAgenda.objects.update_or_create(utilisateur=request.user, defaults={"jeton": new_jeton()})
    messages.success(request, "Nouvelle adresse créée : l'ancienne ne fonctionne plus.")
    return redirect("agenda")
