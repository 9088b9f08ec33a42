"""Pages of walks (the API is registered on the project's router in config/urls.py)."""

from django.urls import path

from . import pages

urlpatterns = [
    path("marches/", pages.walk_list, name="marches-liste"),
    path("marches/nouvelle/", pages.plan_walk, name="marche-nouvelle"),
    path("marches/rejoindre/", pages.join, name="marche-rejoindre"),
    path("marches/quitter/", pages.leave, name="marche-quitter"),
    # Under its own prefix, so the service worker keeps exactly these pages for offline use.
    path("marches/participer/<int:pk>/", pages.participate, name="marche-participer"),
    path("marches/<int:pk>/", pages.walk_detail, name="marche-detail-page"),
    path("marches/<int:pk>/modifier/", pages.plan_walk, name="marche-modifier"),
    path("marches/<int:pk>/animer/", pages.facilitate, name="marche-animer"),
    path("marches/<int:pk>/synthese/", pages.synthesis, name="marche-synthese"),
    path("marches/<int:pk>/restitution/", pages.restitution, name="marche-restitution"),
    path("marches/<int:pk>/annotations/<str:uuid>/<str:vers>/", pages.promote, name="marche-promouvoir"),
    path("marches/<int:pk>/preconisations/<int:preco_pk>/repondre/", pages.answer, name="marche-repondre"),
    path("marches/<int:pk>/photos/<uuid:uuid>.jpg", pages.photo, name="marche-photo"),
    path("marches/<int:pk>/photos/<uuid:uuid>-mini.jpg", pages.photo, {"taille": "-mini"},
         name="marche-photo-mini"),
]
