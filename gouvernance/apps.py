from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    """The contract's instances (article 6): comité de pilotage, comité technique, working
    groups, and the conseil citoyen (article 5) with its avis on chantiers, friches and
    préconisations; their members, meetings, decisions and actions."""

    name = "gouvernance"
    verbose_name = "Instances et conseil citoyen"

    def ready(self):
        from commun.fiches import register_section

        from .sections import chantier_sections, preconisation_sections

        register_section("chantiers.Chantier", chantier_sections)
        register_section("marches.Preconisation", preconisation_sections)
