"""HTML pages of field reporting: the phone form, triage list and report detail."""

import hashlib
import json
import uuid as uuidlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from commun import photos as photo_intake
from territoire.models import Secteur

from . import services
from .forms import CommentaireForm, DoublonForm, ReaffectationForm, StatutForm, TriageFiltreForm
from .models import OUVERTS, Categorie, Evenement, Photo
from .permissions import can_act, can_report, visible_signalements
from .views import save_photo

# What the service worker keeps for offline use: the form and everything it loads.
OFFLINE_PAGES = ["/signaler/", "/marches/participer/*"]
OFFLINE_ASSETS = [
    "css/app.css",
    "css/signalements.css",
    "vendor/leaflet/dist/leaflet.css",
    "vendor/leaflet/dist/leaflet.js",
    "vendor/leaflet/dist/images/marker-icon.png",
    "vendor/leaflet/dist/images/marker-icon-2x.png",
    "vendor/leaflet/dist/images/marker-shadow.png",
    "vendor/idb/build/umd.js",
    "js/outbox.js",
    "js/photo.js",
    "js/signaler.js",
    "css/marches.css",
    "vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css",
    "vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js",
    "js/marche-carte.js",
    "js/marche-participer.js",
]


def categories_tree():
    tree = []
    children = {}
    for cat in Categorie.objects.filter(actif=True).order_by("ordre", "nom"):
        if cat.parent_id:
            children.setdefault(cat.parent_id, []).append({"slug": cat.slug, "nom": cat.nom})
        else:
            tree.append({"id": cat.id, "slug": cat.slug, "nom": cat.nom, "icone": cat.icone,
                         "sensible": cat.sensible})
    for node in tree:
        node["sous"] = children.get(node.pop("id"), [])
    return tree


@login_required
@ensure_csrf_cookie
def signaler(request):
    if not can_report(request.user):
        return HttpResponseForbidden("Votre compte ne permet pas de signaler.")
    return render(request, "signalements/signaler.html", {
        "categories": categories_tree(),
    })


def _offline_version():
    digest = hashlib.sha256()
    for asset in OFFLINE_ASSETS:
        path = finders.find(asset)
        if path:
            with open(path, "rb") as fh:
                digest.update(fh.read())
    with open(finders.find("js/sw.js"), "rb") as fh:
        digest.update(fh.read())
    return digest.hexdigest()[:12]


@never_cache
def service_worker(request):
    """The service worker, from the site root so it controls every page."""
    with open(finders.find("js/sw.js"), encoding="utf-8") as fh:
        body = fh.read()
    config = {
        "version": _offline_version(),
        "pages": OFFLINE_PAGES,
        "assets": [static(a) for a in OFFLINE_ASSETS],
    }
    body = f"const SW_CONFIG = {json.dumps(config)};\n" + body
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def _filtered(request, qs):
    form = TriageFiltreForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["statut"] == "ouverts":
            qs = qs.filter(statut__in=OUVERTS)
        elif data["statut"]:
            qs = qs.filter(statut=data["statut"])
        if data["categorie"]:
            qs = qs.filter(Q(categorie=data["categorie"]) | Q(categorie__parent=data["categorie"]))
        if data["acteur"]:
            qs = qs.filter(acteur=data["acteur"])
        if data["secteur"]:
            qs = qs.filter(secteur__slug=data["secteur"])
        if data["depuis"]:
            qs = qs.filter(cree_le__date__gte=data["depuis"])
        if data["jusqua"]:
            qs = qs.filter(cree_le__date__lte=data["jusqua"])
        if data["en_retard"]:
            qs = qs.filter(statut__in=OUVERTS, echeance__lt=timezone.now())
    return form, qs


@login_required
def triage(request):
    qs = visible_signalements(request.user).select_related("categorie__parent", "acteur", "secteur")
    form, qs = _filtered(request, qs)
    qs = qs.annotate(nb_photos=Count("photos"))
    page = Paginator(qs.order_by("-cree_le"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    api_query = {k: v for k, v in request.GET.items() if k in ("categorie", "acteur", "secteur") and v}
    statut = request.GET.get("statut", "")
    return render(request, "signalements/triage.html", {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "maintenant": timezone.now(),
        "secteurs": Secteur.objects.order_by("nom"),
        "api_query": json.dumps({**api_query, **({"statut": statut} if statut and statut != "ouverts" else {})}),
    })


def _get_visible(request, uuid):
    try:
        uuidlib.UUID(str(uuid))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        visible_signalements(request.user).select_related(
            "categorie__parent", "acteur", "secteur", "auteur", "doublon_de"),
        uuid=uuid,
    )


@login_required
def detail(request, uuid):
    signalement = _get_visible(request, uuid)
    events = signalement.evenements.select_related("auteur", "ancien_acteur", "nouvel_acteur", "photo")
    visibles = visible_signalements(request.user)
    proches = services.find_nearby_duplicates(
        signalement.categorie, signalement.geom, queryset=visibles, exclude_uuid=signalement.uuid
    ).select_related("categorie")[:5]
    acting = can_act(request.user, signalement)
    context = {
        "s": signalement,
        "events": events,
        "photos": signalement.photos.all(),
        "peut_agir": acting,
        "statut_form": StatutForm(signalement=signalement) if acting else None,
        "reaffectation_form": ReaffectationForm() if acting else None,
        "doublon_form": DoublonForm(visibles=visibles) if acting else None,
        "commentaire_form": CommentaireForm(),
        "proches": proches,
        "confirmations": signalement.evenements.filter(type=Evenement.Type.CONFIRMATION).count(),
        "en_retard": signalement.ouvert and signalement.echeance and signalement.echeance < timezone.now(),
        "lonlat": signalement.geom.transform(4326, clone=True).coords,
    }
    return render(request, "signalements/detail.html", context)


@login_required
@require_POST
def agir(request, uuid, action):
    """Status change, reassignment, duplicate, comment, confirmation: one POST each."""
    signalement = _get_visible(request, uuid)
    if action in ("statut", "reaffecter", "doublon") and not can_act(request.user, signalement):
        messages.error(request, "Seul le service en charge ou un pilote peut faire cela.")
        return redirect("signalement-detail-page", uuid=uuid)
    try:
        if action == "statut":
            form = StatutForm(request.POST, request.FILES, signalement=signalement)
            if form.is_valid():
                photo = _photo_from_form(request, signalement, form.cleaned_data.get("photo"))
                services.change_status(signalement, form.cleaned_data["statut"], request.user,
                                       form.cleaned_data["commentaire"], photo=photo)
                messages.success(request, f"Statut changé : {signalement.get_statut_display()}.")
            else:
                _form_errors(request, form)
        elif action == "reaffecter":
            form = ReaffectationForm(request.POST)
            if form.is_valid():
                services.reassign(signalement, form.cleaned_data["acteur"], request.user,
                                  form.cleaned_data["raison"])
                messages.success(request, f"Signalement confié à {form.cleaned_data['acteur']}.")
            else:
                _form_errors(request, form)
        elif action == "doublon":
            form = DoublonForm(request.POST, visibles=visible_signalements(request.user))
            if form.is_valid():
                services.mark_duplicate(signalement, form.cleaned_data["original"], request.user,
                                        form.cleaned_data["commentaire"])
                messages.success(request, "Signalement marqué comme doublon.")
            else:
                _form_errors(request, form)
        elif action == "commenter":
            form = CommentaireForm(request.POST)
            if form.is_valid():
                services.log(signalement, Evenement.Type.COMMENTAIRE, request.user,
                             commentaire=form.cleaned_data["commentaire"])
                messages.success(request, "Commentaire ajouté.")
            else:
                _form_errors(request, form)
        elif action == "confirmer":
            _, created = services.confirm(signalement, request.user)
            messages.success(request, "Merci : confirmation enregistrée." if created
                             else "Vous aviez déjà confirmé ce signalement.")
        else:
            raise Http404
    except (services.TransitionRefusee, photo_intake.PhotoRefusee) as exc:
        messages.error(request, str(exc))
    return redirect("signalement-detail-page", uuid=uuid)


def _photo_from_form(request, signalement, upload):
    if not upload:
        return None
    processed = photo_intake.process(photo_intake.read_upload(upload))
    return save_photo(signalement, uuidlib.uuid4(), processed, request.user,
                      event_comment="Photo jointe au changement de statut")


def _form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


@login_required
def photo(request, uuid, photo_uuid, taille=""):
    """Photos are served through permissions, never from a public media URL."""
    signalement = _get_visible(request, uuid)
    photo = get_object_or_404(Photo, signalement=signalement, uuid=photo_uuid)
    field = photo.miniature if taille == "-mini" else photo.image
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
