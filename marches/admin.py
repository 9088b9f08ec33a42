from django.contrib import admin

from commun.widgets import MapAdmin, json_lisible

from .models import Annotation, Etape, MarcheExploratoire, Participant, Preconisation, Reponse


class EtapeInline(admin.TabularInline):
    model = Etape
    extra = 0
    fields = ["ordre", "nom", "description"]


@admin.register(MarcheExploratoire)
class MarcheAdmin(MapAdmin):
    list_display = ["titre", "debut", "moment", "organisateur", "code"]
    list_filter = ["moment", "organisateur"]
    search_fields = ["titre", "theme", "code"]
    date_hierarchy = "debut"
    list_select_related = ["organisateur"]
    inlines = [EtapeInline]
    # The audit grid is JSON: shown indented and read only (it is set when the walk is planned).
    exclude = ["criteres"]
    readonly_fields = ["grille"]

    @admin.display(description="grille d'audit")
    def grille(self, obj):
        return json_lisible(obj.criteres if obj else None)


@admin.register(Etape)
class EtapeAdmin(MapAdmin):
    list_display = ["nom", "marche", "ordre"]
    list_filter = ["marche"]
    search_fields = ["nom"]
    list_select_related = ["marche"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """Counts only: no pseudonym in lists (they are never shown outside the live walk)."""

    list_display = ["__str__", "marche", "genre", "tranche_age", "rejoint_le"]
    list_filter = ["marche", "genre", "tranche_age"]
    exclude = ["pseudo"]


@admin.register(Annotation)
class AnnotationAdmin(MapAdmin):
    list_display = ["__str__", "marche", "etape", "critere", "cree_le"]
    list_filter = ["marche"]
    search_fields = ["texte", "uuid"]
    list_select_related = ["marche", "etape"]
    readonly_fields = ["uuid", "empreinte", "photo_empreinte", "participant"]


class ReponseInline(admin.TabularInline):
    model = Reponse
    extra = 0


@admin.register(Preconisation)
class PreconisationAdmin(MapAdmin):
    list_display = ["proposition", "marche", "acteur", "priorite", "echeance", "statut"]
    list_filter = ["marche", "acteur", "statut", "priorite"]
    search_fields = ["proposition", "probleme"]
    list_select_related = ["marche", "acteur"]
    inlines = [ReponseInline]
