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
        # The work queues' cached sizes in the header (companies/queue.py, core/queue.py): the coordinators'
        # (national registry, shared) and the company's own.
        from asfportal.core.queue import bump_on_change

        invalidate_on_change("queue:companies", [], m2m=[Company.municipalities.through])
        bump_on_change(Company, lambda c: ["queue:companies", f"queue:company:{c.pk}"])
        bump_on_change(Assessment, lambda a: ["queue:companies", f"queue:company:{a.company_id}"])
        bump_on_change(ChangeRequest, lambda r: ["queue:companies", f"queue:company:{r.company_id}"])
        # A company's services decide which tenders match it.
        invalidate_on_change("queue:tenders", [], m2m=[Company.service_categories.through])
