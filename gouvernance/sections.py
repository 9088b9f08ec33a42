"""The conseil citoyen's avis shown on the pages of the objects they concern (a chantier's
page, a walk's préconisations), through `commun.fiches`: one query for a whole list."""

from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from .forms import AvisForm
from .permissions import can_give_avis
from .services import avis_on


def _render(request, obj, kind, avis):
    member = can_give_avis(request.user)
    if not avis and not member:
        return ""
    get_token(request)
    return render_to_string("gouvernance/_avis_section.html", {
        "objet": obj, "kind": kind, "avis": avis, "form": AvisForm(prefix=f"avis-{kind}-{obj.pk}") if member else None,
    }, request=request)


def chantier_sections(request, chantiers):
    found = {}
    for a in avis_on(chantiers=chantiers):
        found.setdefault(a.chantier_id, []).append(a)
    return {c.pk: _render(request, c, "chantier", found.get(c.pk, [])) for c in chantiers}


def preconisation_sections(request, preconisations):
    found = {}
    for a in avis_on(preconisations=preconisations):
        found.setdefault(a.preconisation_id, []).append(a)
    return {p.pk: _render(request, p, "preconisation", found.get(p.pk, [])) for p in preconisations}
