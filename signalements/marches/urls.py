"""Pages of walks (the API is registered on the project's router in config/urls.py)."""

from django.urls import path

from . import pages

urlpatterns = [
    path("marches/", pages.liste, name="marches-liste"),
    path("marches/nouvelle/", pages.planifier, name="marche-nouvelle"),
    path("marches/rejoindre/", pages.rejoindre, name="marche-rejoindre"),
    path("marches/quitter/", pages.quitter, name="marche-quitter"),
    # Under its own prefix, so the service worker keeps exactly these pages for offline use.
    path("marches/participer/<int:pk>/", pages.participer, name="marche-participer"),
    path("marches/<int:pk>/", pages.detail, name="marche-detail-page"),
    path("marches/<int:pk>/modifier/", pages.planifier, name="marche-modifier"),
    path("marches/<int:pk>/animer/", pages.animer, name="marche-animer"),
    path("marches/<int:pk>/synthese/", pages.synthese, name="marche-synthese"),
    path("marches/<int:pk>/restitution/", pages.restitution, name="marche-restitution"),
    path("marches/<int:pk>/annotations/<str:uuid>/<str:vers>/", pages.promouvoir, name="marche-promouvoir"),
    path("marches/<int:pk>/preconisations/<int:preco_pk>/repondre/", pages.repondre, name="marche-repondre"),
    path("marches/<int:pk>/photos/<uuid:uuid>.jpg", pages.photo, name="marche-photo"),
    path("marches/<int:pk>/photos/<uuid:uuid>-mini.jpg", pages.photo, {"taille": "-mini"},
         name="marche-photo-mini"),
]
