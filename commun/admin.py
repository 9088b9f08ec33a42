from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from pghistory.core import event_models
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .historique import ACTIONS, describe
from .models import Courriel, JetonApi, Modification, Rappel
from .widgets import json_lisible


@admin.register(Courriel)
class CourrielAdmin(admin.ModelAdmin):
    """What was sent, and what is still waiting for the mail server (retried by
    `manage.py envoyer_courriels`)."""

    list_display = ["sujet", "cree_le", "envoye_le", "tentatives", "derniere_erreur"]
    list_filter = [("envoye_le", admin.EmptyFieldListFilter)]
    search_fields = ["sujet", "destinataires"]
    date_hierarchy = "cree_le"
    fields = ["liste_destinataires", "sujet", "corps", "liste_entetes", "cree_le", "envoye_le", "tentatives",
              "derniere_erreur"]
    readonly_fields = fields

    @admin.display(description="destinataires")
    def liste_destinataires(self, obj):
        return ", ".join(obj.destinataires or []) or "—"

    @admin.display(description="en-têtes")
    def liste_entetes(self, obj):
        return json_lisible(obj.entetes)

    def has_add_permission(self, request):
        return False


class ActionFilter(admin.SimpleListFilter):
    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(ACTIONS.items())

    def queryset(self, request, queryset):
        return queryset.filter(pgh_label=self.value()) if self.value() in ACTIONS else queryset


class ObjetFilter(admin.SimpleListFilter):
    title = "type d'objet"
    parameter_name = "objet"

    def lookups(self, request, model_admin):
        tracked = {m.pgh_tracked_model for m in event_models()}
        return sorted(((m._meta.label, str(m._meta.verbose_name).capitalize()) for m in tracked),
                      key=lambda item: item[1])

    def queryset(self, request, queryset):
        labels = {m.pgh_tracked_model._meta.label for m in event_models()}
        return queryset.filter(pgh_obj_model=self.value()) if self.value() in labels else queryset


class ModificationChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Names of users and related rows for the whole page at once (no query per row).
        for event, row in zip(self.result_list, describe(list(self.result_list)), strict=True):
            event._ligne = row


@admin.register(Modification)
class ModificationAdmin(admin.ModelAdmin):
    """The audit trail of every tracked table (commun.historique), newest first; read only.
    Each object's change page shows its own history under its form."""

    list_display = ["quand", "action", "objet", "qui", "depuis"]
    list_filter = [ActionFilter, ObjetFilter]
    list_per_page = 50
    show_full_result_count = False
    fields = ["quand", "action", "objet", "qui", "depuis", "changements"]
    readonly_fields = fields

    def get_queryset(self, request):
        return Modification.objects.order_by("-pgh_created_at", "-pgh_id")

    def get_changelist(self, request, **kwargs):
        return ModificationChangeList

    def get_list_display_links(self, request, list_display):
        return ["quand"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _row(self, obj):
        cached = getattr(obj, "_ligne", None)
        if cached is None:
            cached = obj._ligne = describe([obj])[0]
        return cached

    @admin.display(description="quand", ordering="pgh_created_at")
    def quand(self, obj):
        return date_format(timezone.localtime(obj.pgh_created_at), "d/m/Y H:i:s")

    @admin.display(description="action", ordering="pgh_label")
    def action(self, obj):
        return self._row(obj)["action"]

    @admin.display(description="objet")
    def objet(self, obj):
        row = self._row(obj)
        return f"{row['objet']} ({obj.pgh_obj_model} n° {obj.pgh_obj_id})"

    @admin.display(description="par")
    def qui(self, obj):
        return self._row(obj)["qui"]

    @admin.display(description="depuis")
    def depuis(self, obj):
        return self._row(obj)["depuis"] or "—"

    @admin.display(description="changements")
    def changements(self, obj):
        return format_html_join(
            mark_safe("<br>"), "{} : {} → {}", ((champ, avant or "—", apres or "—")
                                              for champ, avant, apres in self._row(obj)["changements"]),
        ) or "—"


@admin.register(Rappel)
class RappelAdmin(admin.ModelAdmin):
    """Reminders and alerts already sent once (their keys): read only."""

    list_display = ["cle", "cree_le"]
    search_fields = ["cle"]
    date_hierarchy = "cree_le"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# API tokens: the admin never shows a whole key (list, title, messages), only its first
# characters; a token is created for a user and its key read once by that user.
admin.site.unregister(TokenProxy)


@admin.register(JetonApi)
class JetonApiAdmin(TokenAdmin):
    list_display = ["prefixe", "user", "created"]
    fields = ["user"]
    autocomplete_fields = ["user"]

    @admin.display(description="clé (début)")
    def prefixe(self, obj):
        return obj.prefixe
