import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_jeton():
    return secrets.token_urlsafe(24)


class JetonAgenda(models.Model):
    """The secret part of a person's calendar address: whoever holds it reads that person's
    calendar (a calendar app cannot sign in), so it can be changed at any time."""

    utilisateur = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda")
    jeton = models.CharField(_("jeton"), max_length=64, unique=True, default=new_jeton)
    cree_le = models.DateTimeField(_("créé le"), auto_now=True)

    class Meta:
        verbose_name = _("adresse d'agenda")
        verbose_name_plural = _("adresses d'agenda")

    def __str__(self):
        return f"Agenda de {self.utilisateur}"
