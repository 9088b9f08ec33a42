"""HTML pages of field reporting: the phone form, triage list and report detail."""

import json
import uuid as uuidlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_POST

from commun import photos as photo_intake
from commun import roles
from commun.forms import flash_errors
from commun.permissions import accepts_api_token
from territoire.models import Acteur, Secteur

from . import alertes, services
from .filters import STATUT_CHOICES, SignalementFilter, category_choices
from .forms import AbonnementForm, CommentaireForm, DoublonForm, ReaffectationForm, StatutForm, StatutGroupeForm
from .models import Abonnement, Categorie, Evenement, Photo, Signalement, Statut
from .permissions import can_act, can_report, visible_signalements


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
def report_form(request):
    if not can_report(request.user):
        return HttpResponseForbidden("Votre compte ne permet pas de signaler.")
    return render(request, "signalements/signaler.html", {
        "categories": categories_tree(),
    })


@login_required
def triage(request):
    """The service's list: the API's filters (SignalementFilter), 50 a page, and the map."""
    qs = visible_signalements(request.user).select_related("categorie__parent", "acteur", "secteur")
    filterset = SignalementFilter(request.GET or None, queryset=qs, request=request)
    if filterset.is_bound and not filterset.is_valid():
        qs = qs.none()
    elif filterset.is_bound:
        qs = filterset.qs
    first_photo = Photo.objects.filter(signalement=OuterRef("pk")).order_by("cree_le", "id")
    qs = qs.annotate(nb_photos=Count("photos"), photo_uuid=Subquery(first_photo.values("uuid")[:1]))
    page = Paginator(qs.order_by("-cree_le"), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for s in page:
        s.age_jours = (now - s.cree_le).days
        s.delai_jours = s.categorie.delai_jours
        s.retard_jours = (now - s.echeance).days if s.ouvert and s.echeance and s.echeance < now else None
    query = request.GET.copy()
    query.pop("page", None)
    api_query = {k: v for k, v in request.GET.items() if k in filterset.filters and v}
    return render(request, "signalements/triage.html", {
        "filtres": filterset,
        "valeurs": request.GET,
        "statuts": STATUT_CHOICES,
        "categories": category_choices(),
        "acteurs": Acteur.objects.exclude(email="").order_by("nom").values_list("slug", "nom"),
        "secteurs": Secteur.objects.order_by("nom").values_list("slug", "nom"),
        "page": page,
        "query": query.urlencode(),
        "maintenant": now,
        "api_query": json.dumps(api_query),
        "groupe_form": StatutGroupeForm() if _may_act_on_some(request.user) else None,
    }, status=400 if filterset.is_bound and filterset.errors else 200)


def _may_act_on_some(user):
    return roles.is_pilote(user) or bool(roles.acteur_ids(user))


@login_required
@require_POST
def change_status_bulk(request):
    """The triage list's bulk action: permissions checked on each report (can_act)."""
    back = request.POST.get("retour", "")
    if not back.startswith("/signalements/") or not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        back = reverse("signalements-triage")
    if not _may_act_on_some(request.user):
        raise PermissionDenied("Seuls les services et les pilotes changent le statut des signalements.")
    form = StatutGroupeForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form)
        return redirect(back)
    rows = list(visible_signalements(request.user).select_related("categorie").filter(
        uuid__in=form.cleaned_data["uuids"]))
    result = services.change_status_bulk(rows, form.cleaned_data["statut"], request.user,
                                         lambda s: can_act(request.user, s), form.cleaned_data["commentaire"])
    missing = len(set(form.cleaned_data["uuids"])) - len(rows)
    if result.changed:
        n = len(result.changed)
        messages.success(request, f"{n} signalement{pluralize(n)} passé{pluralize(n)} au statut "
                                  f"« {Statut(form.cleaned_data['statut']).label} ».")
    for signalement, reason in result.refused[:10]:
        messages.error(request, f"{signalement.categorie} ({str(signalement.uuid)[:8]}) non modifié : {reason}")
    if missing > 0:
        messages.error(request, f"{missing} signalement{pluralize(missing)} introuvable{pluralize(missing)} "
                                "ou hors de votre périmètre : rien n'a été changé pour eux.")
    return redirect(back)


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


def _handed_over(request, uuid):
    """A report the person's service handled before it was reassigned elsewhere: a page that
    says who took it and when (status 403), instead of a bare 404. Never for a sensitive
    report the person may not see: then the 404 stays, and reveals nothing."""
    acteurs = roles.acteur_ids(request.user)
    try:
        uuid = uuidlib.UUID(str(uuid))
    except ValueError:
        return None
    if not acteurs:
        return None
    signalement = Signalement.objects.select_related("categorie").filter(uuid=uuid).first()
    if signalement is None or (signalement.sensible and not roles.sees_sensitive(request.user)):
        return None
    handover = services.last_handover(signalement, acteurs)
    if handover is None:
        return None
    return render(request, "signalements/confie.html", {
        "s": signalement, "evenement": handover, "acteur": handover.nouvel_acteur,
    }, status=403)


@login_required
def detail(request, uuid):
    try:
        signalement = _get_visible(request, uuid)
    except Http404:
        page = _handed_over(request, uuid)
        if page is None:
            raise
        return page
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
def act(request, uuid, action):
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
                flash_errors(request, form)
        elif action == "reaffecter":
            form = ReaffectationForm(request.POST)
            if form.is_valid():
                services.reassign(signalement, form.cleaned_data["acteur"], request.user,
                                  form.cleaned_data["raison"])
                messages.success(request, f"Signalement confié à {form.cleaned_data['acteur']}.")
            else:
                flash_errors(request, form)
        elif action == "doublon":
            form = DoublonForm(request.POST, visibles=visible_signalements(request.user))
            if form.is_valid():
                services.mark_duplicate(signalement, form.cleaned_data["original"], request.user,
                                        form.cleaned_data["commentaire"])
                messages.success(request, "Signalement marqué comme doublon.")
            else:
                flash_errors(request, form)
        elif action == "commenter":
            form = CommentaireForm(request.POST)
            if form.is_valid():
                services.log(signalement, Evenement.Type.COMMENTAIRE, request.user,
                             commentaire=form.cleaned_data["commentaire"])
                messages.success(request, "Commentaire ajouté.")
            else:
                flash_errors(request, form)
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
    return services.save_photo(signalement, uuidlib.uuid4(), processed, request.user,
                      event_comment="Photo jointe au changement de statut")


@accepts_api_token
@login_required
def photo(request, uuid, photo_uuid, taille=""):
    """Photos are served through permissions, never from a public media URL."""
    signalement = _get_visible(request, uuid)
    photo = get_object_or_404(Photo, signalement=signalement, uuid=photo_uuid)
    field = photo.miniature if taille == "-mini" else photo.image
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- Subscriptions: pilots and the conseil citoyen hear of new and resolved reports ----------

def _subscriptions_page(request, form, status=200):
    return render(request, "signalements/abonnements.html", {
        "form": form, "abonnements": request.user.abonnements.select_related("secteur").prefetch_related("categories"),
        "extra_css": ["vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css"],
        "extra_js": ["vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.js", "js/chantier-editeur.js"],
    }, status=status)


@login_required
def subscriptions(request):
    if not alertes.may_subscribe(request.user):
        raise PermissionDenied("Les abonnements sont réservés aux pilotes et aux membres du conseil citoyen.")
    form = AbonnementForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _subscriptions_page(request, form, status=400)
        abonnement = form.save(commit=False)
        abonnement.utilisateur = request.user
        abonnement.save()
        form.save_m2m()
        messages.success(request, f"Abonnement « {abonnement.nom} » créé.")
        return redirect("abonnements")
    return _subscriptions_page(request, form)


@login_required
@require_POST
def subscription_delete(request, pk):
    abonnement = get_object_or_404(Abonnement, pk=pk, utilisateur=request.user)
    abonnement.delete()
    messages.success(request, f"Abonnement « {abonnement.nom} » supprimé.")
    return redirect("abonnements")


@csrf_exempt  # the signed token is the authority; mail clients POST here (RFC 8058)
def unsubscribe(request, token):
    abonnement = alertes.abonnement_from_token(token)
    if abonnement is None:
        return render(request, "signalements/desinscription.html", {"inconnu": True}, status=404)
    if request.method == "POST":
        Abonnement.objects.filter(pk=abonnement.pk).update(actif=False)
        return render(request, "signalements/desinscription.html", {"abonnement": abonnement, "fait": True})
    return render(request, "signalements/desinscription.html", {"abonnement": abonnement})
