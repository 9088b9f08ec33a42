from django.urls import path

from . import pages

urlpatterns = [
    path("engagements/", pages.engagement_list, name="engagements"),
    path("engagements/<int:numero>/", pages.engagement_detail, name="engagement-detail"),
    path("engagements/<int:numero>/mettre-a-jour/", pages.engagement_update, name="engagement-mettre-a-jour"),
    path("engagements/mises-a-jour/<int:pk>/valider/", pages.validate_update, name="engagement-valider"),
]
