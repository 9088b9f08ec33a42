from django.apps import AppConfig


class CommunConfig(AppConfig):
    name = "commun"
    verbose_name = "Commun"

    def ready(self):
        from . import retention

        for purge in retention.KERNEL_PURGES:
            retention.register_purge(purge)
