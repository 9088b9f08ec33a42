from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from commun import courriels


def demo_modules():
    """Each app with demonstration data has a `demo.py` with `load()`; INSTALLED_APPS
    lists the apps in the order they depend on each other, which is the loading order."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            yield import_module(f"{config.name}.demo")


class Command(BaseCommand):
    help = "Charge (ou met à jour) les données de démonstration de la Côte Sainte-Catherine."

    def handle(self, *args, **options):
        # Demo reports are routed like real ones; their e-mails must not go anywhere.
        with courriels.paused():
            for module in demo_modules():
                result = module.load()
                self.stdout.write(f"{module.__name__}: {result}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
