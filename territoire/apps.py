from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TerritoireConfig(AppConfig):
    name = "territoire"
    verbose_name = "Territoire"

    def ready(self):
        from commun.carte import register_layers
        from commun.exports import register_export

        from . import carte, exports, services
        from .models import Territoire

        for layer in exports.EXPORTS:
            register_export(layer)
        register_layers(carte.layers, order=10)
        post_save.connect(services.forget_map_view, sender=Territoire, dispatch_uid="territoire-vue-carte")
        post_delete.connect(services.forget_map_view, sender=Territoire, dispatch_uid="territoire-vue-carte-del")
