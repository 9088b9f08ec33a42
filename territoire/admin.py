from django.contrib import admin

from commun.widgets import MapAdmin

from .models import Acteur, Engagement, Equipement, Secteur, Territoire


class SecteurInline(admin.TabularInline):
    model = Secteur
    fields = ["nom", "slug", "demonstration"]
    extra = 0
    show_change_link = True


@admin.register(Territoire)
class TerritoireAdmin(MapAdmin):
    list_display = ["nom", "code", "commune", "demonstration", "importe_le"]
    search_fields = ["nom", "code", "commune"]
    inlines = [SecteurInline]


@admin.register(Secteur)
class SecteurAdmin(MapAdmin):
    list_display = ["nom", "territoire", "demonstration"]
    list_filter = ["territoire"]
    search_fields = ["nom"]
    list_select_related = ["territoire"]
    prepopulated_fields = {"slug": ["nom"]}


@admin.register(Acteur)
class ActeurAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "type", "parent", "email", "signataire", "acces_sensible"]
    list_filter = ["type", "signataire", "acces_sensible"]
    search_fields = ["nom", "sigle", "email"]
    prepopulated_fields = {"slug": ["nom"]}
    filter_horizontal = ["membres"]
    list_select_related = ["parent"]


@admin.register(Equipement)
class EquipementAdmin(MapAdmin):
    list_display = ["nom", "type", "adresse", "gestionnaire", "demonstration"]
    list_filter = ["type", "territoire"]
    search_fields = ["nom", "adresse"]
    list_select_related = ["gestionnaire"]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["numero", "texte_court", "axe", "statut", "mis_a_jour_le"]
    list_filter = ["axe", "statut", "acteurs"]
    search_fields = ["texte", "suivi"]
    filter_horizontal = ["acteurs"]

    @admin.display(description="engagement")
    def texte_court(self, obj):
        return obj.texte[:90]
