"""`/tableau-de-bord/`: indicators for a GUSP review or a comité de pilotage (pilots only)."""

from django.shortcuts import render

from commun.permissions import pilote_required

from .services import dashboard


@pilote_required
def dashboard_page(request):
    try:
        months = min(max(int(request.GET.get("mois", 12)), 1), 60)
    except ValueError:
        months = 12
    return render(request, "tableau/tableau_de_bord.html", {"mois": months, **dashboard(months)})
