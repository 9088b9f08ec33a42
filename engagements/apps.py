from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    """The follow-up of the protocol's engagements (article 4): partners' dated updates,
    the pilot's validation and the evidence (chantiers, reports, préconisations, figures).
    The engagements themselves are the territory's reference data (`territoire.Engagement`);
    their follow-up links to every domain app, so it sits above them."""

    name = "engagements"
    verbose_name = "Suivi des engagements"
