"""Pages of the kernel: signing in, with a landing page that depends on the role."""

from django.contrib.auth import views as auth_views

from . import roles

# Where each role lands after signing in (when no `next` was asked for): the field agent's
# phone opens on the report form; everyone else on the map (settings.LOGIN_REDIRECT_URL).
AGENT_LANDING = "/signaler/"


def landing_url(user, default):
    """An agent who is neither pilot nor member of a service lands on the report form."""
    if roles.is_agent(user) and not roles.is_pilote(user) and not roles.acteur_ids(user):
        return AGENT_LANDING
    return default


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user, super().get_default_redirect_url())
