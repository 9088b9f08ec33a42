from django.contrib.gis.db import models  # noqa: F401
