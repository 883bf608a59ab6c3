from django.core.management.base import BaseCommand

from asfportal.accounts import services


class Command(BaseCommand):
    help = "Load Sweden's 21 regions and 290 municipalities (SCB codes) as organisations; safe to run again."

    def handle(self, *args, **options):
        counts = services.reference_organisations_load()
        self.stdout.write(
            f"Reference organisations: {counts['created']} created, {counts['updated']} updated."
        )
