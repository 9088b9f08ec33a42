from django.core.management.base import BaseCommand, CommandError

from commun import sauvegarde


class Command(BaseCommand):
    help = ("Sauvegarde la base (pg_dump, format personnalisé) et les photos, avec un manifeste "
            "(version, empreintes SHA-256, nombre de lignes par table).")

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="Dossier où créer la sauvegarde (un sous-dossier daté y est créé).")

    def handle(self, *args, **options):
        try:
            folder = sauvegarde.backup(options["dossier"])
        except (sauvegarde.SauvegardeErreur, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite dans {folder}"))
