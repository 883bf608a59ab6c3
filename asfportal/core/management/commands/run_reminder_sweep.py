from django.core.management.base import BaseCommand
from django.utils import timezone

from asfportal.core import reminders


class Command(BaseCommand):
    help = "Run every app's reminder rules for today; safe to run again, each reminder arrives once."

    def handle(self, *args, **options):
        self.stdout.write(f"Reminder sweep: {reminders.reminders_sweep(today=timezone.localdate())}")
