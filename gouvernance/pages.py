"""Pages of the instances (`/instances/`) and of the conseil citoyen (`/conseil-citoyen/`)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chantiers.models import Chantier
from commun.forms import flash_errors
from commun.permissions import pilote_required, professional_required
from marches.models import Preconisation

from . import services
from .forms import ActionForm, ActionStatutForm, AvisForm, DecisionForm, ReunionForm, SaisineForm
from .models import Action, Avis, Decision, Instance, Membre, Reunion, Saisine
from .permissions import can_give_avis, can_manage, can_see_instances, can_update_action


@professional_required
def instance_list(request):
    now = timezone.now()
    instances = Instance.objects.prefetch_related(
        Prefetch("reunions", queryset=Reunion.objects.filter(debut__gte=now).order_by("debut"), to_attr="a_venir"))
    return render(request, "gouvernance/instances.html", {
        "instances": instances, "actions": services.open_actions()[:20],
        "decisions_a_prendre": services.decisions_to_take(),
    })


def _instance(slug):
    decisions = Decision.objects.prefetch_related(
        "engagements", "chantiers", "preconisations",
        Prefetch("actions", queryset=Action.objects.select_related("porteur")))
    return get_object_or_404(Instance.objects.prefetch_related(
        Prefetch("membres", queryset=Membre.objects.select_related("acteur", "personne")),
        Prefetch("reunions", queryset=Reunion.objects.prefetch_related(
            Prefetch("decisions", queryset=decisions)).order_by("-debut")),
        "friches"), slug=slug)


def _render_instance(request, instance, status=200, **forms):
    manage = can_manage(request.user)
    return render(request, "gouvernance/instance.html", {
        "instance": instance, "peut_gerer": manage, "now": timezone.now(),
        "reunion_form": forms.get("reunion_form") or (ReunionForm(prefix="reunion") if manage else None),
        "decision_form": forms.get("decision_form") or (DecisionForm(prefix="decision") if manage else None),
        "action_form": forms.get("action_form") or (ActionForm(prefix="action") if manage else None),
        "statut_choices": Action.Statut.choices,
        "mes_actions": {a.pk for r in instance.reunions.all() for d in r.decisions.all() for a in d.actions.all()
                        if can_update_action(request.user, a)},
    }, status=status)


@professional_required
def instance_detail(request, slug):
    return _render_instance(request, _instance(slug))


@pilote_required
@require_POST
def meeting_create(request, slug):
    instance = _instance(slug)
    form = ReunionForm(request.POST, prefix="reunion")
    if not form.is_valid():
        return _render_instance(request, instance, status=400, reunion_form=form)
    reunion = form.save(commit=False)
    reunion.instance = instance
    reunion.save()
    messages.success(request, f"Réunion du {timezone.localtime(reunion.debut):%d/%m/%Y} enregistrée.")
    return redirect(instance)


@pilote_required
@require_POST
def decision_create(request, pk):
    reunion = get_object_or_404(Reunion.objects.select_related("instance"), pk=pk)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        return _render_instance(request, _instance(reunion.instance.slug), status=400, decision_form=form)
    decision = form.save(commit=False)
    decision.reunion = reunion
    decision.save()
    form.save_m2m()
    messages.success(request, "Décision enregistrée.")
    return redirect(f"{reunion.instance.get_absolute_url()}#reunion-{reunion.pk}")


@pilote_required
@require_POST
def action_create(request, pk):
    decision = get_object_or_404(Decision.objects.select_related("reunion__instance"), pk=pk)
    form = ActionForm(request.POST, prefix="action")
    if not form.is_valid():
        return _render_instance(request, _instance(decision.reunion.instance.slug), status=400, action_form=form)
    action = form.save(commit=False)
    action.decision = decision
    action.save()
    messages.success(request, f"Action « {action.libelle} » confiée à {action.porteur}.")
    return redirect(f"{decision.reunion.instance.get_absolute_url()}#reunion-{decision.reunion_id}")


@professional_required
@require_POST
def action_update(request, pk):
    action = get_object_or_404(Action.objects.select_related("decision__reunion__instance"), pk=pk)
    if not can_update_action(request.user, action):
        raise PermissionDenied("Seuls les membres du porteur de l'action, et les pilotes, la mettent à jour.")
    form = ActionStatutForm(request.POST, instance=action)
    if not form.is_valid():
        flash_errors(request, form)
        return _render_instance(request, _instance(action.decision.reunion.instance.slug), status=400)
    action = form.save(commit=False)
    action.fait_le = timezone.localdate() if action.statut == Action.Statut.FAITE else None
    action.save(update_fields=["statut", "fait_le"])
    messages.success(request, f"Action « {action.libelle} » : {action.get_statut_display().lower()}.")
    return redirect(f"{action.decision.reunion.instance.get_absolute_url()}#reunion-{action.decision.reunion_id}")


# --- The conseil citoyen --------------------------------------------------------------------

def conseil_space(request, status=200, saisine_form=None):
    """Its role, the projects submitted for its opinion, its avis and its calendar. Public:
    the avis are the conseil's public voice; members' names only for professionals."""
    conseil = services.conseil_citoyen()
    now = timezone.now()
    reunions = conseil.reunions.filter(debut__gte=now - timedelta(days=90)).order_by("debut") if conseil else []
    avis = Avis.objects.select_related("chantier", "preconisation__marche").order_by("-rendu_le")[:30]
    member = can_give_avis(request.user)
    return render(request, "gouvernance/conseil.html", {
        "conseil": conseil, "reunions": reunions, "avis": avis, "now": now,
        "saisines": [(s, AvisForm(prefix=f"saisine-{s.pk}") if member else None) for s in services.open_saisines()],
        "membres": (conseil.acteur.membres.order_by("last_name") if conseil and conseil.acteur
                    and can_see_instances(request.user) else None),
        "saisine_form": saisine_form or (SaisineForm(prefix="saisine") if can_manage(request.user) else None),
        "est_membre": member,
    }, status=status)


@pilote_required
@require_POST
def saisine_create(request):
    form = SaisineForm(request.POST, prefix="saisine")
    if not form.is_valid():
        return conseil_space(request, status=400, saisine_form=form)
    saisine = form.save(commit=False)
    saisine.demandee_par = request.user
    saisine.save()
    messages.success(request, "Projet soumis à l'avis du conseil citoyen.")
    return redirect("conseil-citoyen")


def _give_avis(request, form, redirect_to, **target):
    if not can_give_avis(request.user):
        raise PermissionDenied("Seuls les membres du conseil citoyen rendent ses avis.")
    if not form.is_valid():
        return render(request, "gouvernance/avis_refuse.html", {"form": form, "retour": redirect_to}, status=400)
    services.record_avis(request.user, form, **target)
    messages.success(request, "Avis du conseil citoyen publié.")
    return redirect(redirect_to)


@professional_required
@require_POST
def avis_chantier(request, pk):
    chantier = get_object_or_404(Chantier, pk=pk)
    form = AvisForm(request.POST, prefix=f"avis-chantier-{pk}")
    return _give_avis(request, form, chantier.get_absolute_url(), chantier=chantier)


@professional_required
@require_POST
def avis_preconisation(request, pk):
    preconisation = get_object_or_404(Preconisation, pk=pk)
    form = AvisForm(request.POST, prefix=f"avis-preconisation-{pk}")
    return _give_avis(request, form, f"/marches/{preconisation.marche_id}/#preconisation-{pk}",
                      preconisation=preconisation)


@professional_required
@require_POST
def avis_saisine(request, pk):
    saisine = get_object_or_404(Saisine.objects.select_related("chantier", "preconisation"), pk=pk)
    form = AvisForm(request.POST, prefix=f"saisine-{pk}")
    return _give_avis(request, form, "/conseil-citoyen/", chantier=saisine.chantier,
                      preconisation=saisine.preconisation, saisine=saisine)
