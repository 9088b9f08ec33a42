from django.urls import path

from . import pages

app_name = "territoire"

urlpatterns = [
    path("territoire/", pages.territory_page, name="page"),
]
