"""HTML pages of the renewal programme: list, detail with milestones, pilots' edit forms,
residents' proposals for the friches and their moderation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST

from commun import roles
from commun.codes import CodeRefuse, qr_svg
from commun.fiches import sections
from commun.geometry import with_api_geom
from commun.permissions import pilote_required
from territoire.models import Acteur

from . import participation, services
from .filters import ChantierFilter
from .forms import (
    AtelierForm,
    ChantierForm,
    JalonFormSet,
    JoinAtelierForm,
    ModerationForm,
    PhotoChantierForm,
    PropositionForm,
)
from .models import AtelierFriche, Chantier, Jalon, Proposition, Statut, Type, today
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
    }, status=400 if filterset.is_bound and filterset.errors else 200)


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
        "ateliers": chantier.ateliers.order_by("-debut") if chantier.est_friche and est_pilote else [],
        "atelier_form": AtelierForm() if chantier.est_friche and est_pilote else None,
        "sections": sections(request, chantier),
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



# --- Workshops: residents propose with a code, without an account ------------------------------

@pilote_required
@require_POST
def atelier_create(request, pk):
    friche = _detail_chantier(request, pk)
    if not friche.est_friche:
        return render(request, "404.html", status=404)
    form = AtelierForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, friche, status=400, atelier_form=form)
    atelier = form.save(commit=False)
    atelier.friche, atelier.cree_par = friche, request.user
    atelier.save()
    messages.success(request, f"Atelier « {atelier.titre} » ouvert : montrez son code ou son QR code.")
    return redirect("chantiers:atelier", pk=atelier.pk)


@pilote_required
def atelier_detail(request, pk):
    """The facilitator's screen: the code, the QR code, what came in (to moderate)."""
    atelier = get_object_or_404(AtelierFriche.objects.select_related("friche"), pk=pk)
    url = request.build_absolute_uri(reverse("chantiers:rejoindre") + f"?code={atelier.code}")
    return render(request, "chantiers/atelier.html", {
        "atelier": atelier, "join_url": url, "qr": qr_svg(url, "QR code pour proposer une idée pour la friche"),
        "propositions": atelier.propositions.order_by("-cree_le"),
    })


@ensure_csrf_cookie
def atelier_join(request):
    """Join a workshop with its code (typed, or from the QR code's ?code=)."""
    status = 200
    form = JoinAtelierForm(request.POST if request.method == "POST" else None,
                           initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            atelier = participation.find_atelier(request, form.cleaned_data["code"])
        except CodeRefuse as exc:
            form.add_error("code", str(exc))
            status = exc.status
        else:
            participation.join(request, atelier)
            return redirect("chantiers:proposer-atelier", pk=atelier.pk)
    elif request.method == "POST":
        status = 400
    response = render(request, "chantiers/atelier_rejoindre.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(participation.GUESSES.window_s)
    return response


@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def atelier_propose(request, pk):
    """A resident's proposal with the workshop's code: text, sketch, photo; hidden until moderated."""
    atelier = participation.atelier_from_session(request, pk)
    if atelier is None:
        messages.error(request, "Saisissez d'abord le code de l'atelier (il a peut-être expiré).")
        return redirect("chantiers:rejoindre")
    friche = with_api_geom(Chantier.objects.filter(pk=atelier.friche_id)).get()
    form = PropositionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not participation.may_send(request):
            form.add_error(None, "Vous avez déjà envoyé le nombre maximal de propositions pour cet atelier. Merci !")
            status = 429
        elif form.is_valid():
            proposition = form.save(commit=False)
            proposition.friche, proposition.atelier, proposition.auteur = friche, atelier, None
            proposition.save()
            participation.record_sent(request, proposition)
            messages.success(request, "Merci ! Votre proposition sera publiée après relecture "
                                      "par le groupe de travail.")
            return redirect("chantiers:proposer-atelier", pk=atelier.pk)
        else:
            status = 400
    return render(request, "chantiers/atelier_proposer.html", {
        "atelier": atelier, "friche": friche, "form": form, "geojson": friche.geom_api.geojson,
        "envoyees": Proposition.objects.filter(pk__in=participation.sent_ids(request), atelier=atelier),
        "tiles_url": settings.MAP_TILES_URL, "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "extra_css": EDITOR_ASSETS["css"], "extra_js": EDITOR_ASSETS["js"],
    }, status=status)
