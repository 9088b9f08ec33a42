from django.urls import path

from . import pages

urlpatterns = [
    path("agenda/", pages.agenda_page, name="agenda"),
    path("agenda/renouveler/", pages.renew, name="agenda-renouveler"),
    path("agenda/public.ics", pages.public_feed, name="agenda-public"),
    path("agenda/<str:jeton>.ics", pages.personal_feed, name="agenda-personnel"),
]
