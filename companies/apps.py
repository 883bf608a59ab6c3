from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change

        from . import search

        search.connect()  # case- and accent-blind search on SQLite too

        from .models import Assessment, ChangeRequest, Company, ContactPerson, ServiceCategory

        # The cached directory and company pages (companies/views/public.py).
        invalidate_on_change(
            "companies",
            [Company, Assessment, ServiceCategory, ContactPerson],
            m2m=[Company.municipalities.through, Company.service_categories.through],
        )
        # The work queues' cached sizes in the header (companies/queue.py, core/queue.py).
        invalidate_on_change(
            "queue:companies",
            [Company, Assessment, ChangeRequest],
            m2m=[Company.municipalities.through, Company.service_categories.through],
        )
