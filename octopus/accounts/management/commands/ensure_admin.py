import os

from django.core.management.base import BaseCommand

from octopus.accounts.models import Membership, Role, User


class Command(BaseCommand):
    help = "Create the first administrator from ADMIN_EMAIL/ADMIN_PASSWORD, or say how to create one."

    def handle(self, *args, **options):
        if User.objects.filter(is_superuser=True, is_sample=False).exists():
            return
        email, password = os.environ.get("ADMIN_EMAIL"), os.environ.get("ADMIN_PASSWORD")
        if email and password:
            user = User.objects.create_superuser(email=email, password=password)
            Membership.objects.get_or_create(user=user, role=Role.ADMINISTRATOR)
            self.stdout.write(f"Administrator {email} created; set up two-factor sign-in at first login.")
            return
        self.stdout.write(
            "No administrator yet. Create one with:  .venv/bin/python manage.py createsuperuser\n"
            "(or set ADMIN_EMAIL and ADMIN_PASSWORD before `make run`). Sample accounts are listed above."
        )
