from django.apps import AppConfig


class AgendaConfig(AppConfig):
    """Calendar feeds (.ics): walks, instances' meetings and milestones, per user behind a
    secret address, and the public events for everybody."""

    name = "agenda"
    verbose_name = "Agendas (iCalendar)"
