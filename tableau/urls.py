from django.urls import path

from . import pages

urlpatterns = [
    path("tableau-de-bord/", pages.dashboard_page, name="tableau-de-bord"),
]
