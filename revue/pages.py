"""`/revue/?depuis=…&jusqua=…`: the comité de pilotage's review for a period (pilots only),
printable to PDF (print CSS, vector map), and its tables as CSV."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from commun.exports import table_csv
from commun.forms import PeriodeForm
from commun.permissions import pilote_required
from tableau.services import dashboard, last_months

from .exports import TABLES, table
from .services import review


def _period(request):
    """(form, since, until, status): the asked period, or the last 12 months."""
    if "depuis" not in request.GET and "jusqua" not in request.GET:
        since, until = last_months(12)
        return PeriodeForm.for_period(since, until), since, until, 200
    form = PeriodeForm(request.GET)
    if form.is_valid():
        return form, *form.period(), 200
    since, until = last_months(12)
    return form, since, until, 400


@pilote_required
def review_page(request):
    form, since, until, status = _period(request)
    if status != 200:
        return render(request, "revue/revue.html", {"periode": form, "erreur": True}, status=status)
    query = f"depuis={form['depuis'].value()}&jusqua={form['jusqua'].value()}"
    return render(request, "revue/revue.html", {
        "periode": form, "query": query, "dernier_jour": form.cleaned_data["jusqua"],
        "exports": [(key, t[0]) for key, t in TABLES.items()],
        **review(since, until)})


@pilote_required
def review_csv(request, key):
    if key not in TABLES:
        raise Http404("Tableau inconnu.")
    form, since, until, status = _period(request)
    if status != 200:
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    _title, header, rows = table(key, dashboard(since, until))
    response = HttpResponse(table_csv(header, rows).encode(), content_type="text/csv; charset=utf-8")
    day1, day2 = form["depuis"].value(), form["jusqua"].value()
    response["Content-Disposition"] = f'attachment; filename="revue-{key}-{day1}-{day2}.csv"'
    return response
