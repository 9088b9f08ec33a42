from django.contrib import admin

from .models import Action, Avis, Decision, Instance, Membre, Reunion, Saisine


class MembreInline(admin.TabularInline):
    model = Membre
    extra = 1
    autocomplete_fields = ["acteur"]
    raw_id_fields = ["personne"]


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    list_display = ["nom", "type"]
    list_filter = ["type"]
    search_fields = ["nom"]
    prepopulated_fields = {"slug": ["nom"]}
    inlines = [MembreInline]
    filter_horizontal = ["friches"]


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    filter_horizontal = ["engagements", "chantiers", "preconisations"]


@admin.register(Reunion)
class ReunionAdmin(admin.ModelAdmin):
    list_display = ["instance", "titre", "debut", "lieu", "avec_habitants"]
    list_filter = ["instance", "avec_habitants"]
    search_fields = ["titre", "lieu", "ordre_du_jour"]
    date_hierarchy = "debut"
    list_select_related = ["instance"]
    inlines = [DecisionInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["libelle", "porteur", "echeance", "statut"]
    list_filter = ["statut", "porteur"]
    search_fields = ["libelle"]
    date_hierarchy = "echeance"
    raw_id_fields = ["decision", "responsable"]
    list_select_related = ["porteur"]


@admin.register(Saisine)
class SaisineAdmin(admin.ModelAdmin):
    list_display = ["question", "chantier", "preconisation", "date_limite"]
    search_fields = ["question"]
    date_hierarchy = "date_limite"
    raw_id_fields = ["chantier", "preconisation", "demandee_par"]
    list_select_related = ["chantier", "preconisation"]


@admin.register(Avis)
class AvisAdmin(admin.ModelAdmin):
    list_display = ["sens", "chantier", "preconisation", "rendu_le"]
    list_filter = ["sens", "demonstration"]
    search_fields = ["texte"]
    list_select_related = ["chantier", "preconisation"]
    raw_id_fields = ["saisine", "chantier", "preconisation", "auteur"]
