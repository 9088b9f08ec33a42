from django.core.management.base import BaseCommand

from commun.courriels import retry_pending


class Command(BaseCommand):
    help = "Renvoie les courriels que le serveur de messagerie n'a pas encore acceptés (à lancer régulièrement)."

    def handle(self, *args, **options):
        sent, waiting = retry_pending()
        self.stdout.write(f"{sent} courriel(s) envoyé(s), {waiting} toujours en attente.")
