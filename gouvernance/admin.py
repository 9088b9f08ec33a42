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
    date_hierarchy = "debut"
    inlines = [DecisionInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["libelle", "porteur", "echeance", "statut"]
    list_filter = ["statut", "porteur"]
    raw_id_fields = ["decision", "responsable"]


@admin.register(Saisine)
class SaisineAdmin(admin.ModelAdmin):
    list_display = ["question", "chantier", "preconisation", "date_limite"]
    raw_id_fields = ["chantier", "preconisation", "demandee_par"]


@admin.register(Avis)
class AvisAdmin(admin.ModelAdmin):
    list_display = ["sens", "chantier", "preconisation", "rendu_le"]
    raw_id_fields = ["saisine", "chantier", "preconisation", "auteur"]
