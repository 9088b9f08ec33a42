import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commun import sauvegarde


class Command(BaseCommand):
    help = ("Vérifie une sauvegarde (empreintes du manifeste) puis restaure la base et les photos. "
            "Par défaut dans la base configurée, seulement si elle est vide (sinon --ecraser).")

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="Dossier de la sauvegarde (celui qui contient manifeste.json).")
        parser.add_argument("--vers", help="DATABASE_URL de la base cible (par défaut : la base configurée).")
        parser.add_argument("--media", help="Dossier des photos restaurées (par défaut : MEDIA_ROOT).")
        parser.add_argument("--ecraser", action="store_true", help="Remplacer le contenu d'une base non vide.")

    def handle(self, *args, **options):
        db = dj_database_url.parse(options["vers"]) if options["vers"] else settings.DATABASES["default"]
        try:
            manifest = sauvegarde.restore(options["dossier"], db, options["media"] or settings.MEDIA_ROOT,
                                          overwrite=options["ecraser"])
        except (sauvegarde.SauvegardeErreur, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Sauvegarde du {manifest['cree_le']} (version {manifest['version']}) restaurée dans {db.get('NAME')}."
        ))
        if manifest.get("version") != sauvegarde.app_version():
            self.stdout.write(self.style.WARNING(
                f"Version de l'application différente ({sauvegarde.app_version()}) : lancez manage.py migrate."))
