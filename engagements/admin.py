from django.contrib import admin

from .models import MiseAJour, Preuve


class PreuveInline(admin.TabularInline):
    model = Preuve
    extra = 0
    raw_id_fields = ["chantier", "signalement", "preconisation"]


@admin.register(MiseAJour)
class MiseAJourAdmin(admin.ModelAdmin):
    list_display = ["engagement", "date", "statut", "validation", "acteur", "auteur"]
    list_filter = ["validation", "statut", "engagement__axe"]
    search_fields = ["note", "prochaine_etape", "engagement__texte"]
    date_hierarchy = "date"
    list_select_related = ["engagement", "acteur", "auteur"]
    raw_id_fields = ["engagement"]
    readonly_fields = ["auteur", "valide_par", "valide_le", "cree_le"]
    inlines = [PreuveInline]
