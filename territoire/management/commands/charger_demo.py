from importlib import import_module

from django.core.management.base import BaseCommand

# Each app that has demonstration data exposes `demo.load()`; order matters.
DEMO_MODULES = ["territoire.demo", "chantiers.demo", "signalements.demo", "signalements.marches.demo"]


class Command(BaseCommand):
    help = "Charge (ou met à jour) les données de démonstration de la Côte Sainte-Catherine."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            module = import_module(name)
            result = module.load()
            self.stdout.write(f"{name}: {result}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
