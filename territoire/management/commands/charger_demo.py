from importlib import import_module

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

# Each app that has demonstration data exposes `demo.load()`; order matters.
DEMO_MODULES = ["territoire.demo", "chantiers.demo", "signalements.demo", "signalements.marches.demo"]


class Command(BaseCommand):
    help = "Charge (ou met à jour) les données de démonstration de la Côte Sainte-Catherine."

    def handle(self, *args, **options):
        # Demo reports are routed like real ones; their e-mails must not go anywhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for name in DEMO_MODULES:
                result = import_module(name).load()
                self.stdout.write(f"{name}: {result}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
