from django.core.management.base import BaseCommand

from asfportal.core import notifications


class Command(BaseCommand):
    help = "Bundle waiting digest notifications into one e-mail per person."

    def handle(self, *args, **options):
        self.stdout.write(f"Digests made: {notifications.digests_build()}")
