from django.core.management.base import BaseCommand

from commun.retention import run_purges


class Command(BaseCommand):
    help = ("Anonymise ou supprime les données personnelles conservées au-delà de leur durée "
            "(réglages RETENTION_*_JOURS). Lancé chaque nuit par la file de tâches.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien modifier.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        total = 0
        for purge, count in run_purges(dry_run=dry_run):
            total += count
            self.stdout.write(f"{purge.label} (plus de {purge.days} jours) : {count}")
        verb = "à traiter" if dry_run else "traités"
        self.stdout.write(self.style.SUCCESS(f"{total} élément(s) {verb}."))
