"""Background tasks of policies: the annual report."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def build_annual_report_task(report_id: int) -> str:
    """Build one queued report version; idempotent (a finished or failed report is left alone, and a failed one
    is generated again as a new version by the coordinator)."""
    return services.report_build(report_id=report_id).status


@shared_task
def annual_reports_january_task() -> int:
    """Each January: last year's report for every municipality, region and samordningsförbund."""
    return services.reports_january_run(year=timezone.localdate().year - 1)
