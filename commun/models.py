from django.core.mail import send_mail
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Courriel(models.Model):
    """An e-mail kept until the mail server took it: a failed send is retried, not lost."""

    MAX_TENTATIVES = 10

    destinataires = models.JSONField(_("destinataires"), default=list)
    sujet = models.CharField(_("sujet"), max_length=250)
    corps = models.TextField(_("message"))
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    envoye_le = models.DateTimeField(_("envoyé le"), null=True, blank=True, db_index=True)
    tentatives = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    derniere_erreur = models.CharField(_("dernière erreur"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        ordering = ["-cree_le"]

    def __str__(self):
        return f"{self.sujet} → {', '.join(self.destinataires)}"

    def attempt(self):
        """Try to send now; record the outcome. Returns True once sent."""
        if self.envoye_le:
            return True
        self.tentatives += 1
        try:
            send_mail(self.sujet, self.corps, None, self.destinataires, fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any transport failure is retried later
            self.derniere_erreur = f"{type(exc).__name__}: {exc}"[:500]
            self.save(update_fields=["tentatives", "derniere_erreur"])
            return False
        self.envoye_le = timezone.now()
        self.derniere_erreur = ""
        self.save(update_fields=["tentatives", "derniere_erreur", "envoye_le"])
        return True
