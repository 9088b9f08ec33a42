"""HTML pages of walks: list, planning, the walk's page with its code and QR code,
joining, the participant's phone page, the facilitator's live view, the synthesis and
the printable restitution report."""

import uuid as uuidlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.db.models.functions import Area, Length
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from commun import roles
from commun.codes import qr_svg
from commun.fiches import sections_by_pk
from commun.forms import flash_errors
from commun.geometry import with_api_geom
from commun.permissions import accepts_api_token, pilote_required, professional_required

from . import participation, plan_svg, services
from .forms import JoinForm, MarcheForm, PromotionPreconisationForm, PromotionSignalementForm, ReponseForm
from .models import SCORE_LIBELLES, Annotation, MarcheExploratoire, Preconisation, Reponse, StatutPreconisation
from .permissions import can_answer, can_manage, is_professional


def _walk(pk):
    return get_object_or_404(MarcheExploratoire.objects.select_related("organisateur", "territoire"), pk=pk)


def walk_list(request):
    """Walks to come and walks done; a participant without an account goes back to its walk."""
    if not is_professional(request.user):
        participant = participation.participant_from_session(request)
        if participant is not None:
            return redirect("marche-participer", pk=participant.marche_id)
        if not request.user.is_authenticated:
            return redirect("marche-rejoindre")
        raise PermissionDenied
    now = timezone.now()
    qs = MarcheExploratoire.objects.select_related("organisateur").annotate(
        nb_participants=Count("participants", distinct=True),
        nb_preconisations=Count("preconisations", distinct=True),
    )
    mes_acteurs = roles.acteur_ids(request.user)
    a_traiter = (
        Preconisation.objects.filter(acteur_id__in=mes_acteurs)
        .exclude(statut__in=[StatutPreconisation.REALISEE, StatutPreconisation.REFUSEE])
        .select_related("marche", "acteur").order_by("echeance", "id")
    )
    return render(request, "marches/liste.html", {
        "a_venir": qs.filter(fin__gte=now).order_by("debut"),
        "passees": qs.filter(fin__lt=now).order_by("-debut"),
        "a_traiter": a_traiter,
        "participation": services.participation(MarcheExploratoire.objects.all()),
        "peut_planifier": can_manage(request.user),
    })


@pilote_required
def plan_walk(request, pk=None):
    marche = _walk(pk) if pk else None
    form = MarcheForm(request.POST or None, instance=marche)
    if request.method == "POST" and form.is_valid():
        marche = form.save(user=request.user)
        messages.success(request, f"Marche « {marche.titre} » enregistrée.")
        return redirect("marche-detail-page", pk=marche.pk)
    return render(request, "marches/planifier.html", {"form": form, "marche": marche},
                  status=400 if request.method == "POST" else 200)


def _join_url(request, marche):
    return request.build_absolute_uri(reverse("marche-rejoindre") + f"?code={marche.code}")


def _qr_svg(url):
    return qr_svg(url, "QR code pour rejoindre la marche")


def _route_data(marche):
    """Route and stops in WGS84 (reprojected by PostGIS) for the page's map."""
    trace = with_api_geom(MarcheExploratoire.objects.filter(pk=marche.pk), "trace").values_list(
        "geom_api", flat=True).first()
    etapes = with_api_geom(marche.etapes.order_by("ordre", "id"))
    return {
        "id": marche.pk,
        "titre": marche.titre,
        "trace": [[round(x, 7), round(y, 7)] for x, y in trace.coords] if trace else [],
        "etapes": [{"id": e.pk, "ordre": e.ordre, "nom": e.nom, "description": e.description,
                    "lon": round(e.geom_api.x, 7), "lat": round(e.geom_api.y, 7)} for e in etapes],
        "criteres": marche.criteres,
        "notes": SCORE_LIBELLES,
    }


@professional_required
def walk_detail(request, pk):
    marche = _walk(pk)
    preconisations = _preconisations(marche)
    added = sections_by_pk(request, preconisations)  # e.g. the conseil citoyen's avis
    for p in preconisations:
        p.sections = added.get(p.pk, [])
    pilote = can_manage(request.user)
    context = {
        "m": marche,
        "pilote": pilote,
        "route": _route_data(marche),
        "participation": services.participation([marche]),
        "preconisations": preconisations,
        "repondables": {p.pk for p in preconisations if can_answer(request.user, p)},
        "reponse_form": ReponseForm(),
        "nb_annotations": marche.annotations.count(),
    }
    if pilote:
        url = _join_url(request, marche)
        context.update({"join_url": url, "qr": _qr_svg(url), "code_valide": marche.code_valide()})
    return render(request, "marches/detail.html", context)


def _preconisations(marche):
    return list(
        marche.preconisations.select_related("acteur", "etape", "annotation")
        .prefetch_related(Prefetch("reponses", queryset=Reponse.objects.select_related("acteur")))
        .order_by("etape__ordre", "id")
    )


@ensure_csrf_cookie
def join(request):
    """Join with the code (typed, or from the QR code's ?code=)."""
    status = 200
    form = JoinForm(request.POST if request.method == "POST" else None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            marche = participation.find_walk(request, data["code"])
        except participation.CodeRefuse as exc:
            form.add_error("code", str(exc))
            status = exc.status
        else:
            participation.join(request, marche, data["pseudo"].strip(), data["genre"], data["tranche_age"])
            return redirect("marche-participer", pk=marche.pk)
    elif request.method == "POST":
        status = 400
    response = render(request, "marches/rejoindre.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(WINDOW_RETRY_S)
    return response


WINDOW_RETRY_S = participation.WINDOW_S


@require_POST
def leave(request):
    participation.leave(request)
    messages.success(request, "Vous avez quitté la marche. Merci pour votre participation !")
    return redirect("marche-rejoindre")


@ensure_csrf_cookie
def participate(request, pk):
    """The participant's phone page; kept by the service worker for use without network."""
    participant = participation.participant_from_session(request)
    if participant is None or participant.marche_id != int(pk):
        if participant is not None:
            return redirect("marche-participer", pk=participant.marche_id)
        messages.error(request, "Rejoignez d'abord la marche avec son code.")
        return redirect("marche-rejoindre")
    marche = participant.marche
    return render(request, "marches/participer.html", {
        "m": marche,
        "participant": participant,
        "route": _route_data(marche),
        "envoi_ouvert": marche.envoi_ouvert(),
        "envoi_refuse": marche.envoi_refuse(),
    })


@pilote_required
@ensure_csrf_cookie
def facilitate(request, pk):
    """The facilitator's live view: annotations and scores arrive every few seconds."""
    marche = _walk(pk)
    url = _join_url(request, marche)
    return render(request, "marches/animer.html", {
        "m": marche, "route": _route_data(marche),
        "join_url": url, "qr": _qr_svg(url), "code_valide": marche.code_valide(),
    })


def _annotations(marche):
    return list(
        # Lengths and areas in metres, measured by PostGIS on the Lambert-93 geometry.
        Annotation.objects.filter(marche=marche).select_related("etape", "preconisation__acteur", "signalement")
        .annotate(longueur=Length("geom"), surface=Area("geom"))
        .order_by("etape__ordre", "cree_le")
    )


def _per_stop(marche, annotations):
    grille = services.grid(marche)
    by_stop = {}
    for a in annotations:
        by_stop.setdefault(a.etape_id, []).append(a)
    stops = [{"etape": e, "criteres": grille[e.pk], "annotations": by_stop.get(e.pk, [])}
             for e in marche.etapes.all()]
    return stops, by_stop.get(None, [])


@professional_required
def synthesis(request, pk):
    """Per stop: the grid as bars, the annotations and photos; pilots promote annotations."""
    marche = _walk(pk)
    annotations = _annotations(marche)
    for a in annotations:
        a.critere_nom = marche.critere_nom(a.critere) if a.critere else ""
    stops, hors_etape = _per_stop(marche, annotations)
    return render(request, "marches/synthese.html", {
        "m": marche,
        "pilote": can_manage(request.user),
        "etapes": stops,
        "hors_etape": hors_etape,
        "plan": plan_svg.build(marche),
        "preco_form": PromotionPreconisationForm(),
        "signalement_form": PromotionSignalementForm(),
        "notes": SCORE_LIBELLES,
    })


@pilote_required
@require_POST
def promote(request, pk, uuid, vers):
    """One action: an annotation becomes a préconisation or a routed field report."""
    marche = _walk(pk)
    try:
        uuidlib.UUID(str(uuid))
    except ValueError:
        raise Http404 from None
    annotation = get_object_or_404(Annotation, marche=marche, uuid=uuid)
    back = reverse("marche-synthese", args=[marche.pk]) + f"#annotation-{annotation.uuid}"
    try:
        if vers == "preconisation":
            form = PromotionPreconisationForm(request.POST)
            if form.is_valid():
                services.promote_to_preconisation(annotation, auteur=request.user, **form.cleaned_data)
                messages.success(request, f"Préconisation créée, confiée à {form.cleaned_data['acteur']}.")
            else:
                flash_errors(request, form)
        elif vers == "signalement":
            form = PromotionSignalementForm(request.POST)
            if form.is_valid():
                report = services.promote_to_signalement(annotation, auteur=request.user, **form.cleaned_data)
                messages.success(request, "Signalement créé et transmis"
                                 + (f" à {report.acteur}." if report.acteur else " (aucun acteur trouvé)."))
            else:
                flash_errors(request, form)
        else:
            raise Http404
    except services.ActionRefusee as exc:
        messages.error(request, str(exc))
    return redirect(back)


@login_required
@require_POST
def answer(request, pk, preco_pk):
    preco = get_object_or_404(Preconisation.objects.select_related("acteur"), marche_id=pk, pk=preco_pk)
    if not can_answer(request.user, preco):
        raise PermissionDenied
    form = ReponseForm(request.POST)
    if form.is_valid():
        acteur = preco.acteur if preco.acteur_id in roles.acteur_ids(request.user) else None
        try:
            services.answer(preco, auteur=request.user, acteur=acteur, statut=form.cleaned_data["statut"],
                            texte=form.cleaned_data["reponse"])
            messages.success(request, "Réponse enregistrée.")
        except services.ActionRefusee as exc:
            messages.error(request, str(exc))
    else:
        flash_errors(request, form)
    return redirect(reverse("marche-detail-page", args=[pk]) + f"#preconisation-{preco.pk}")


@professional_required
def restitution(request, pk):
    """The printable report: map, charts per stop, préconisations and their answers.
    Aggregated figures only; no participant is named."""
    marche = _walk(pk)
    annotations = _annotations(marche)
    for a in annotations:
        a.critere_nom = marche.critere_nom(a.critere) if a.critere else ""
    stops, hors_etape = _per_stop(marche, annotations)
    preconisations = _preconisations(marche)
    return render(request, "marches/restitution.html", {
        "m": marche,
        "etapes": stops,
        "hors_etape": hors_etape,
        "plan": plan_svg.build(marche),
        "participation": services.participation([marche]),
        "ressenti": services.feeling_by_gender(marche),
        "min_groupe": services.MIN_GROUP,
        "preconisations": preconisations,
        "par_statut": {s.label: sum(1 for p in preconisations if p.statut == s) for s in StatutPreconisation},
        "genere_le": timezone.now(),
        "notes": SCORE_LIBELLES,
    })


@accepts_api_token
def photo(request, pk, uuid, taille=""):
    """Photos go through permissions: professionals, or the participant who took it."""
    annotation = get_object_or_404(Annotation, marche_id=pk, uuid=uuid)
    if not is_professional(request.user):
        participant = participation.participant_from_session(request)
        if participant is None or participant.pk != annotation.participant_id:
            raise Http404
    if not annotation.photo:
        raise Http404
    field = annotation.miniature if taille == "-mini" else annotation.photo
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
