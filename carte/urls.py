from django.urls import path

from . import pages

urlpatterns = [
    path("", pages.home, name="accueil"),
    path("carte/", pages.map_page, name="carte"),
    path("carte/telecharger/", pages.map_download, name="carte-telecharger"),
]
