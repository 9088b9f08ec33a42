"""How the OpenAPI document describes a walk participant's session (no account)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ParticipantSessionScheme(OpenApiAuthenticationExtension):
    target_class = "marches.permissions.ParticipantSessionAuthentication"
    name = "participantMarche"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Session ouverte en rejoignant une marche avec son code (/marches/rejoindre/) : "
                           "accès limité à cette marche ; les POST exigent l'en-tête X-CSRFToken.",
        }
