from django.core.management.base import BaseCommand

from asfportal.core import form_tokens


class Command(BaseCommand):
    help = "Forget one-time form tokens older than FORM_TOKEN_HOURS (beat runs this daily at 03:15)."

    def handle(self, *args, **options):
        self.stdout.write(f"Form submissions removed: {form_tokens.form_submissions_purge()}")
