"""Open this year's access reviews and e-mail the administrators (what beat runs daily); safe to run again."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from asfportal.accounts import administration


class Command(BaseCommand):
    help = "Open this year's access review for every organisation with an administrator (idempotent)."

    def handle(self, *args, **options):
        counts = administration.access_reviews_sweep(today=timezone.localdate())
        self.stdout.write(f"created={counts['created']} notified={counts['notified']}")
