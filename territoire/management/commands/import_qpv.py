from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from territoire.importers import ImportErreur, read_perimetre
from territoire.models import Territoire


class Command(BaseCommand):
    help = (
        "Importe le périmètre officiel d'un QPV depuis le GeoJSON de l'ANCT (WGS84) ou un "
        "shapefile Lambert-93, et met à jour le territoire (ou remplace le périmètre de "
        "démonstration)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="GeoJSON (code_qp, lib_qp, lib_com) ou .shp")
        parser.add_argument("--code", required=True, help="code du quartier, ex. QN05501M")
        parser.add_argument(
            "--remplace",
            help="code du territoire existant à remplacer (par défaut : le même code, "
            "sinon l'unique territoire de démonstration)",
        )

    def handle(self, *args, fichier, code, remplace=None, **options):
        try:
            perimetre = read_perimetre(fichier, code.strip())
        except ImportErreur as exc:
            raise CommandError(str(exc)) from None
        for warning in perimetre.avertissements:
            self.stderr.write(self.style.WARNING(f"Attention : {warning}"))

        with transaction.atomic():
            territoire = self._target(perimetre.code, remplace)
            created = territoire is None
            territoire = territoire or Territoire(code=perimetre.code)
            territoire.code = perimetre.code
            territoire.nom = perimetre.nom
            territoire.commune = perimetre.commune or territoire.commune
            territoire.geom = perimetre.geom
            territoire.demonstration = False
            territoire.source = f"Import officiel ({fichier})"
            territoire.importe_le = timezone.now()
            territoire.save()
        verb = "créé" if created else "mis à jour"
        self.stdout.write(
            self.style.SUCCESS(f"Territoire {territoire.code} « {territoire.nom} » {verb}.")
        )

    def _target(self, code, remplace):
        if remplace:
            try:
                return Territoire.objects.select_for_update().get(code=remplace)
            except Territoire.DoesNotExist:
                raise CommandError(f"Aucun territoire de code {remplace} à remplacer.") from None
        existing = Territoire.objects.select_for_update().filter(code=code).first()
        if existing:
            return existing
        demos = list(Territoire.objects.select_for_update().filter(demonstration=True)[:2])
        return demos[0] if len(demos) == 1 else None
