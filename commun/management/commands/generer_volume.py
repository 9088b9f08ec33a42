"""`manage.py generer_volume --signalements 1000000`: a city's years of history, in bulk SQL.

Each app with volume data has a `volume.py` with `generate(volume)` (run in app order,
as `charger_demo` runs `demo.py`); `volume` carries the requested counts, the database
cursor and a seeded generator. The demo (territory, sectors, acteurs, categories,
routing, programme, walks) is loaded first when the database has no territory.

Refuses a database that is not marked as a test or bench one (its name starts with
`test_` or contains `bench` or `banc`, or its PostgreSQL comment says `banc d'essai`),
unless `--force`: it writes hundreds of thousands of fictitious rows.
"""

import time
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.module_loading import module_has_submodule

MARKS = ("bench", "banc")


def volume_modules():
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "volume"):
            yield import_module(f"{config.name}.volume")


def is_bench_database(cursor):
    name = connection.settings_dict["NAME"]
    if name.startswith("test_") or any(mark in name.lower() for mark in MARKS):
        return True
    cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
    row = cursor.fetchone()
    return bool(row and row[0] and "banc d'essai" in row[0].lower())


@dataclass
class Volume:
    """What `volume.generate()` receives."""

    cursor: object
    counts: dict
    seed: float
    log: object
    done: dict = field(default_factory=dict)

    def want(self, key):
        return self.counts.get(key) or 0


class Command(BaseCommand):
    help = "Écrit en masse des données fictives réalistes (signalements, chantiers, annotations) pour les bancs."

    def add_arguments(self, parser):
        parser.add_argument("--signalements", type=int, default=0)
        parser.add_argument("--chantiers", type=int, default=0)
        parser.add_argument("--annotations", type=int, default=0)
        parser.add_argument("--graine", type=float, default=0.42, help="graine du hasard (entre -1 et 1)")
        parser.add_argument("--force", action="store_true", help="écrire même dans une base non marquée banc d'essai")

    def handle(self, *args, **options):
        counts = {k: options[k] for k in ("signalements", "chantiers", "annotations")}
        if any(v < 0 for v in counts.values()) or counts["signalements"] > 20_000_000:
            raise CommandError("Les nombres doivent être positifs (20 millions de signalements au plus).")
        if not -1 <= options["graine"] <= 1:
            raise CommandError("La graine doit être comprise entre -1 et 1.")
        with connection.cursor() as cursor:
            if not options["force"] and not is_bench_database(cursor):
                raise CommandError(
                    f"La base « {connection.settings_dict['NAME']} » n'est pas marquée banc d'essai (nom commençant "
                    "par test_ ou contenant bench, ou commentaire « banc d'essai ») : ajoutez --force pour y écrire.")
            cursor.execute("SELECT count(*) FROM territoire_territoire")
            if cursor.fetchone()[0] == 0:
                self.stdout.write("Aucun territoire : chargement de la démonstration d'abord.")
                call_command("charger_demo", stdout=self.stdout)
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [options["graine"]])
            volume = Volume(cursor=cursor, counts=counts, seed=options["graine"], log=self.stdout.write)
            for module in volume_modules():
                began = time.perf_counter()
                result = module.generate(volume)
                if result:
                    self.stdout.write(f"{module.__name__}: {result} ({time.perf_counter() - began:.1f} s)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Volume écrit en {time.perf_counter() - start:.1f} s."))
