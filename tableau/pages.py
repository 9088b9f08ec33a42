"""`/tableau-de-bord/`: indicators for a GUSP review or a comité de pilotage (pilots only)."""

from django.shortcuts import render

from commun.forms import PeriodeForm
from commun.permissions import pilote_required

from .services import dashboard, last_months


@pilote_required
def dashboard_page(request):
    """The last `mois` months, or `?depuis=…&jusqua=…` (the review's period)."""
    months, status = None, 200
    if "depuis" in request.GET or "jusqua" in request.GET:
        form = PeriodeForm(request.GET)
        if form.is_valid():
            since, until = form.period()
        else:
            since, until = last_months(12)
            status = 400
    else:
        try:
            months = min(max(int(request.GET.get("mois", 12)), 1), 60)
        except ValueError:
            months = 12
        since, until = last_months(months)
        form = PeriodeForm.for_period(since, until)
    return render(request, "tableau/tableau_de_bord.html",
                  {"mois": months, "periode": form, **dashboard(since, until)}, status=status)
