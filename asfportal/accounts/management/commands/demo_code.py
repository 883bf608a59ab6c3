from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from asfportal.accounts.demo_two_factor import demo_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo users (DEBUG=on only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code is for the demo data; run it with DEBUG=on only.")
        self.stdout.write(demo_code())
