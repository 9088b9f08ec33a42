"""HTML pages of the renewal programme: list, detail with milestones, pilots' edit forms,
residents' proposals for the friches and their moderation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from commun import roles
from commun.geometry import with_api_geom
from commun.permissions import pilote_required
from territoire.models import Acteur

from . import services
from .filters import ChantierFilter
from .forms import (
    ChantierForm,
    JalonFormSet,
    ModerationForm,
    PhotoChantierForm,
    PropositionForm,
)
from .models import Chantier, Jalon, Proposition, Statut, Type, today
from .permissions import visible_propositions

CONSEIL_CITOYEN = "conseil-citoyen"
EDITOR_ASSETS = {
    "css": ["vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css"],
    "js": ["vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.js", "js/chantier-editeur.js"],
}


def chantier_list(request):
    """The programme as a table: the API's filters (ChantierFilter) and the totals."""
    qs = Chantier.objects.select_related("maitre_ouvrage").order_by("debut_prevu", "nom")
    filterset = ChantierFilter(request.GET or None, queryset=qs, request=request)
    if filterset.is_bound:
        qs = filterset.qs if filterset.is_valid() else qs.none()
    qs = qs.annotate(
        jalons_en_retard=Count(
            "jalons",
            filter=Q(jalons__date_reelle__isnull=True, jalons__date_prevue__lt=today()),
        )
    )
    chantiers = list(qs)
    totaux = Chantier.objects.filter(pk__in=[c.pk for c in chantiers]).aggregate(
        demolis=Sum("logements_demolis"), rehabilites=Sum("logements_rehabilites"),
        construits=Sum("logements_construits"), budget=Sum("budget"),
        heures_prevues=Sum("heures_insertion_prevues"), heures_realisees=Sum("heures_insertion_realisees"),
        beneficiaires=Sum("beneficiaires_qpv"),
    )
    return render(request, "chantiers/liste.html", {
        "filtres": filterset, "valeurs": request.GET, "natures": Type.choices, "statuts": Statut.choices,
        "maitres_ouvrage": Acteur.objects.filter(chantiers__isnull=False).distinct().order_by("nom")
        .values_list("slug", "nom"),
        "chantiers": chantiers, "totaux": totaux,
        "demonstration": any(c.demonstration for c in chantiers),
    })


def _detail_chantier(request, pk):
    propositions = visible_propositions(request.user).select_related("auteur")
    return get_object_or_404(
        with_api_geom(Chantier.objects.select_related("maitre_ouvrage", "territoire")).prefetch_related(
            "financeurs", "photos",
            Prefetch("jalons", queryset=Jalon.objects.order_by("ordre", "date_prevue")),
            Prefetch("propositions", queryset=propositions, to_attr="propositions_visibles"),
        ),
        pk=pk,
    )


def _render_detail(request, chantier, status=200, **forms):
    est_pilote = roles.is_pilote(request.user)
    context = {
        "chantier": chantier,
        "jalons": chantier.jalons.all(),
        "photos": chantier.photos.all(),
        "propositions": chantier.propositions_visibles if chantier.est_friche else [],
        "est_pilote": est_pilote,
        "photo_form": PhotoChantierForm() if est_pilote else None,
        "proposition_form": PropositionForm() if chantier.est_friche and request.user.is_authenticated else None,
        "moderation_form": ModerationForm() if est_pilote else None,
        "geojson": chantier.geom_api.geojson,
        "tiles_url": settings.MAP_TILES_URL,
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "extra_css": EDITOR_ASSETS["css"] if chantier.est_friche else [],
        "extra_js": EDITOR_ASSETS["js"] if chantier.est_friche else ["js/chantier-editeur.js"],
        **forms,
    }
    return render(request, "chantiers/detail.html", context, status=status)


def chantier_detail(request, pk):
    return _render_detail(request, _detail_chantier(request, pk))


@pilote_required
@require_http_methods(["GET", "POST"])
def chantier_edit(request, pk=None):
    chantier = get_object_or_404(Chantier, pk=pk) if pk else None
    form = ChantierForm(request.POST or None, instance=chantier)
    jalons = JalonFormSet(request.POST or None, instance=chantier or Chantier(), prefix="jalons")
    if request.method == "POST":
        if form.is_valid() and jalons.is_valid():
            with transaction.atomic():
                chantier = form.save()
                jalons.instance = chantier
                jalons.save()
            messages.success(request, f"Chantier « {chantier.nom} » enregistré.")
            return redirect(chantier)
        status = 400
    else:
        status = 200
    return render(request, "chantiers/form.html", {
        "form": form, "jalons": jalons, "chantier": chantier,
        "tiles_url": settings.MAP_TILES_URL, "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "extra_css": EDITOR_ASSETS["css"], "extra_js": EDITOR_ASSETS["js"],
    }, status=status)


@pilote_required
@require_POST
def add_photo(request, pk):
    chantier = _detail_chantier(request, pk)
    form = PhotoChantierForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, chantier, status=400, photo_form=form)
    photo = form.save(commit=False)
    photo.chantier = chantier
    photo.auteur = request.user
    photo.save()
    messages.success(request, "Photo ajoutée.")
    return redirect(chantier)


@login_required
@require_POST
def propose(request, pk):
    """Any signed-in person may propose a reuse of a friche; a pilot publishes it."""
    friche = _detail_chantier(request, pk)
    if not friche.est_friche:
        return render(request, "404.html", status=404)
    form = PropositionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, friche, status=400, proposition_form=form)
    proposition = form.save(commit=False)
    proposition.friche = friche
    proposition.auteur = request.user
    proposition.conseil_citoyen = request.user.acteurs.filter(slug=CONSEIL_CITOYEN).exists()
    proposition.save()
    messages.success(
        request, "Merci ! Votre proposition sera publiée après relecture par l'équipe du contrat de ville."
    )
    return redirect(f"{friche.get_absolute_url()}#proposition-{proposition.pk}")


@pilote_required
@require_POST
def moderate(request, pk):
    proposition = get_object_or_404(Proposition.objects.select_related("friche"), pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        friche = _detail_chantier(request, proposition.friche_id)
        return _render_detail(request, friche, status=400, moderation_form=form, moderation_id=proposition.pk)
    services.moderate(proposition, request.user, form.cleaned_data["decision"], form.cleaned_data["motif"])
    verbe = "publiée" if proposition.statut == Proposition.Statut.PUBLIEE else "refusée"
    messages.success(request, f"Proposition « {proposition.titre} » {verbe}.")
    return redirect(f"{proposition.friche.get_absolute_url()}#proposition-{proposition.pk}")

