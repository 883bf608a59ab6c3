from django.core.management.base import BaseCommand

from asfportal.core import notifications


class Command(BaseCommand):
    help = "E-mail every due notification in the outbox now (what the worker does every minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"Outbox drained: {notifications.outbox_drain()}")
