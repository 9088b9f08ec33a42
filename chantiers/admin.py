from django.contrib import admin

from commun.widgets import MapAdmin

from .models import AtelierFriche, Chantier, Jalon, PhotoChantier, Proposition


class JalonInline(admin.TabularInline):
    model = Jalon
    extra = 0


class PhotoInline(admin.TabularInline):
    model = PhotoChantier
    fields = ["image", "legende", "prise_le"]
    extra = 0


@admin.register(Chantier)
class ChantierAdmin(MapAdmin):
    list_display = ["nom", "type", "statut", "maitre_ouvrage", "debut_prevu", "fin_prevue", "demonstration"]
    list_filter = ["type", "statut", "maitre_ouvrage", "demonstration"]
    search_fields = ["nom", "adresse", "description"]
    prepopulated_fields = {"slug": ["nom"]}
    filter_horizontal = ["financeurs"]
    inlines = [JalonInline, PhotoInline]
    list_select_related = ["maitre_ouvrage"]


@admin.register(Proposition)
class PropositionAdmin(MapAdmin):
    list_display = ["titre", "friche", "statut", "conseil_citoyen", "cree_le"]
    list_filter = ["statut", "conseil_citoyen"]
    search_fields = ["titre", "texte"]
    readonly_fields = ["auteur", "cree_le", "modere_par", "modere_le"]
    list_select_related = ["friche"]


@admin.register(AtelierFriche)
class AtelierFricheAdmin(admin.ModelAdmin):
    list_display = ["titre", "friche", "debut", "fin", "code"]
    list_filter = ["friche"]
    search_fields = ["titre", "lieu", "code"]
    date_hierarchy = "debut"
    readonly_fields = ["code", "cree_par"]
    list_select_related = ["friche"]
