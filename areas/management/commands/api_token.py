"""manage.py api_token USERNAME: print a new API token of the user, for a script (docs: README, "API")."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from areas.services import api_token_create


class Command(BaseCommand):
    help = "Print a new API token of USERNAME, alone on one line; send it as `Authorization: Bearer TOKEN`."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="manage.py api_token", help="what the token is for")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user %(username)s.") % {"username": username})
        if not user.is_active:
            raise CommandError(
                _("The user %(username)s is not active: their tokens are refused.") % {"username": username}
            )
        _token, secret = api_token_create(user, name)
        self.stdout.write(secret)
