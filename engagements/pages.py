"""`/engagements/`: the protocol's action lines by axis, partner and status; each line's
dated history, evidence and the partners' updates, validated by the pilot."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from commun import roles
from commun.forms import flash_errors
from commun.permissions import pilote_required, professional_required
from territoire.models import Acteur, Engagement

from . import services
from .filters import EngagementFilter
from .forms import MiseAJourForm, ValidationForm
from .models import MiseAJour, Preuve, Validation
from .permissions import can_update, can_validate, visible_mises_a_jour


def _with_pending(queryset):
    return queryset.annotate(
        en_attente=Count("mises_a_jour", filter=Q(mises_a_jour__validation=Validation.EN_ATTENTE)))


@professional_required
def engagement_list(request):
    qs = _with_pending(Engagement.objects.prefetch_related("acteurs").order_by("numero"))
    filterset = EngagementFilter(request.GET or None, queryset=qs)
    status = 200
    if filterset.is_bound:
        if filterset.is_valid():
            qs = filterset.qs
        else:
            qs, status = qs.none(), 400
    engagements = list(qs)
    axes = []
    for key, label in Engagement.Axe.choices:
        rows = [e for e in engagements if e.axe == key]
        if rows:
            axes.append({"axe": label, "engagements": rows})
    for e in engagements:
        e.modifiable = can_update(request.user, e)
    return render(request, "engagements/liste.html", {
        "mes_acteurs": Acteur.objects.filter(pk__in=roles.acteur_ids(request.user), engagements__isnull=False)
        .distinct().order_by("nom"),
        "filtres": filterset.form, "axes": axes, "nombre": len(engagements),
        "a_valider": (MiseAJour.objects.filter(validation=Validation.EN_ATTENTE)
                      .select_related("engagement", "acteur").order_by("cree_le")
                      if can_validate(request.user) else []),
    }, status=status)


def _engagement(numero):
    return get_object_or_404(Engagement.objects.prefetch_related("acteurs"), numero=numero)


def _render_detail(request, engagement, form=None, status=200):
    history = (visible_mises_a_jour(request.user, engagement.mises_a_jour.all())
               .select_related("auteur", "acteur", "valide_par")
               .prefetch_related(Prefetch("preuves", queryset=Preuve.objects.select_related(
                   "chantier", "signalement__categorie", "preconisation__marche"))))
    modifiable = can_update(request.user, engagement)
    return render(request, "engagements/detail.html", {
        "e": engagement,
        "historique": history,
        "preuves": (Preuve.objects.filter(engagement=engagement)
                    .filter(Q(mise_a_jour__isnull=True) | Q(mise_a_jour__validation=Validation.VALIDEE))
                    .select_related("chantier", "signalement__categorie", "preconisation__marche")),
        "form": form or (MiseAJourForm(user=request.user, engagement=engagement) if modifiable else None),
        "peut_valider": can_validate(request.user),
        "modifiable": modifiable,
    }, status=status)


@professional_required
def engagement_detail(request, numero):
    return _render_detail(request, _engagement(numero))


@professional_required
@require_POST
def engagement_update(request, numero):
    engagement = _engagement(numero)
    if not can_update(request.user, engagement):
        raise PermissionDenied("Seuls les membres des partenaires qui portent cet engagement, "
                               "et les pilotes, le mettent à jour.")
    form = MiseAJourForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_detail(request, engagement, form=form, status=400)
    data = form.cleaned_data
    maj = services.record_update(
        engagement, request.user, statut=data["statut"], note=data["note"].strip(),
        prochaine_etape=data["prochaine_etape"].strip(), echeance=data["echeance"], preuves=form.preuves())
    if maj.validation == Validation.VALIDEE:
        messages.success(request, "Mise à jour enregistrée.")
    else:
        messages.success(request, "Mise à jour enregistrée : elle sera visible de tous une fois validée "
                                  "par le pilote du contrat de ville.")
    return redirect("engagement-detail", numero=engagement.numero)


@pilote_required
@require_POST
def validate_update(request, pk):
    maj = get_object_or_404(MiseAJour.objects.select_related("engagement"), pk=pk)
    form = ValidationForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form)
        return _render_detail(request, maj.engagement, status=400)
    if maj.validation != Validation.EN_ATTENTE:
        messages.error(request, "Cette mise à jour a déjà été traitée.")
    elif form.cleaned_data["decision"] == "valider":
        services.validate(maj, request.user)
        messages.success(request, f"Mise à jour de l'engagement {maj.engagement.numero} validée.")
    else:
        services.refuse(maj, request.user, form.cleaned_data["motif"].strip())
        messages.success(request, f"Mise à jour de l'engagement {maj.engagement.numero} refusée.")
    if request.POST.get("retour") == "liste":
        return redirect("engagements")
    return redirect("engagement-detail", numero=maj.engagement.numero)
