from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.access import Role
from projects.errors import Refusal
from projects.services import user_create


class Command(BaseCommand):
    help = "Create (or update) a user with a role in a zone or a city; prints the API token last."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--zone", help="zone code; the zone must exist")
        where.add_argument("--city", help="city name; created if new")
        parser.add_argument(
            "--password", help="for the admin; without it the user can only use the API token"
        )

    def handle(self, *args, **options) -> None:
        try:
            user, token = user_create(
                username=options["username"],
                role=options["role"],
                zone_code=options["zone"],
                city_name=options["city"],
                password=options["password"],
            )
        except Refusal as refusal:
            raise CommandError(refusal.detail) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        where = user.membership.zone or user.membership.city
        self.stdout.write(f"{user.username}: {user.membership.get_role_display()} · {where}")
        self.stdout.write(token.key)
