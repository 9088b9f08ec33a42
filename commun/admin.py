from django.contrib import admin

from .models import Courriel


@admin.register(Courriel)
class CourrielAdmin(admin.ModelAdmin):
    """What was sent, and what is still waiting for the mail server (retried by
    `manage.py envoyer_courriels`)."""

    list_display = ["sujet", "cree_le", "envoye_le", "tentatives", "derniere_erreur"]
    list_filter = [("envoye_le", admin.EmptyFieldListFilter)]
    search_fields = ["sujet", "destinataires"]
    readonly_fields = ["destinataires", "sujet", "corps", "cree_le", "envoye_le", "tentatives", "derniere_erreur"]

    def has_add_permission(self, request):
        return False
