from django.contrib import admin

from commun.widgets import MapAdmin, json_lisible

from .models import Abonnement, Categorie, Evenement, Photo, RegleRoutage, Signalement


class SousCategorieInline(admin.TabularInline):
    model = Categorie
    fk_name = "parent"
    fields = ["nom", "slug", "acteur_defaut", "delai_jours", "sensible", "ordre", "actif"]
    prepopulated_fields = {"slug": ["nom"]}
    extra = 0


class RegleInline(admin.TabularInline):
    model = RegleRoutage
    extra = 0
    autocomplete_fields = ["acteur"]


@admin.register(Categorie)
class CategorieAdmin(admin.ModelAdmin):
    list_display = ["__str__", "acteur_defaut", "delai_jours", "sensible", "actif", "ordre"]
    list_filter = ["sensible", "actif", "parent"]
    search_fields = ["nom", "slug"]
    prepopulated_fields = {"slug": ["nom"]}
    inlines = [SousCategorieInline, RegleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent", "acteur_defaut")


@admin.register(RegleRoutage)
class RegleRoutageAdmin(admin.ModelAdmin):
    """The category × sector → acteur table (FixMyStreet's contacts)."""

    list_display = ["categorie", "secteur", "acteur"]
    list_filter = ["secteur", "acteur"]
    list_select_related = ["categorie__parent", "secteur", "acteur"]


class EvenementInline(admin.TabularInline):
    model = Evenement
    fields = ["cree_le", "type", "auteur", "ancien_statut", "nouveau_statut", "nouvel_acteur", "commentaire"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = Photo
    fields = ["uuid", "largeur", "hauteur", "exif_distance_m", "cree_le"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Signalement)
class SignalementAdmin(MapAdmin):
    """Reports are handled on /signalements/; the admin is for inspection and repair."""

    list_display = ["uuid", "categorie", "statut", "acteur", "secteur", "cree_le", "sensible"]
    list_filter = ["statut", "sensible", "source", "categorie__parent", "acteur", "secteur"]
    search_fields = ["uuid", "description"]
    date_hierarchy = "cree_le"
    list_select_related = ["categorie__parent", "acteur", "secteur"]
    readonly_fields = ["uuid", "cree_le", "mis_a_jour_le", "empreinte", "auteur", "source", "photos_annoncees"]
    exclude = ["photos_attendues"]
    raw_id_fields = ["doublon_de"]
    inlines = [PhotoInline, EvenementInline]

    @admin.display(description="photos annoncées")
    def photos_annoncees(self, obj):
        return json_lisible(obj.photos_attendues if obj else None)


@admin.register(Abonnement)
class AbonnementAdmin(admin.ModelAdmin):
    list_display = ["nom", "utilisateur", "secteur", "frequence", "actif"]
    list_filter = ["frequence", "actif"]
    search_fields = ["nom", "utilisateur__username"]
    raw_id_fields = ["utilisateur"]
    list_select_related = ["utilisateur", "secteur"]
    exclude = ["zone"]
