from django.urls import path

from . import pages

urlpatterns = [
    path("revue/", pages.review_page, name="revue"),
    path("revue/<slug:key>.csv", pages.review_csv, name="revue-csv"),
]
