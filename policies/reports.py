"""The annual action-plan report: figures gathered through each app's selectors, frozen as JSON, and rendered from
those frozen figures as a web page, a PDF (WeasyPrint) and an XLSX workbook.

Only numbers and names go into the frozen figures; labels are looked up when rendering, so a report reads in
the reader's language while its figures never change.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asfportal.accounts.models import Organisation
from asfportal.accounts.selectors import area_municipality_ids
from companies.selectors import asf_figures
from placements.selectors import company_placement_records, placement_figures
from procurement.selectors import procurement_figures

from .models import ActionPlan, Activity, ContractTotal
from .selectors import plan_progress

# The year-on-year comparison: (section, key, label).
COMPARED = (
    ("companies", "verified", gettext_lazy("Verified ASF at the end of the year")),
    ("companies", "new", gettext_lazy("Newly verified ASF")),
    ("companies", "lapsed", gettext_lazy("ASF whose verification lapsed")),
    ("companies", "closed", gettext_lazy("ASF closed")),
    ("companies", "assessments", gettext_lazy("Assessments made")),
    ("placements", "started", gettext_lazy("Placements started")),
    ("placements", "ended", gettext_lazy("Placements ended")),
    ("placements", "employed", gettext_lazy("Placements that led to employment")),
    ("procurement", "published_reserved", gettext_lazy("Reserved tenders published")),
    ("procurement", "published_employment_requirement", gettext_lazy("Tenders with employment requirements")),
    ("procurement", "awarded_total", gettext_lazy("Tenders awarded")),
    ("procurement", "asf_value", gettext_lazy("Contract value awarded to ASF (SEK)")),
)
SIGNAL_LABELS = {
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "late": gettext_lazy("Late"),
    "postponed": gettext_lazy("Postponed"),
    "cancelled": gettext_lazy("Cancelled"),
}


def as_of_date(year: int, today: date) -> date:
    """Figures describe the year's last day, or today while the year is still running."""
    return min(date(year, 12, 31), today)


def _number(value) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _year_figures(organisation: Organisation, municipality_ids: list[int], year: int, today: date) -> dict:
    companies = asf_figures(
        municipality_ids=municipality_ids,
        assessor_organisation_id=organisation.pk,
        year=year,
        as_of=as_of_date(year, today),
    )
    placements = placement_figures(organisation_id=organisation.pk, year=year, today=today)
    procurement = procurement_figures(buyer_id=organisation.pk, year=year)
    total = ContractTotal.objects.filter(organisation=organisation, year=year).values_list(
        "total_value", flat=True
    )
    total_value = _number(total.first())
    asf_value = _number(procurement["asf_value"])
    return {
        "companies": companies,
        "placements": {
            "started": placements["started"],
            "ended": placements["ended"],
            "active": placements["active"],
            "employed": placements["employed"],
            "employment_share": placements["employment_share"],
            "past_90": placements["past_90"],
            "followed_90": placements["followed_90"],
            "employed_90": placements["employed_90"],
            "employment_share_90": placements["employment_share_90"],
            "average_days": placements["average_days"],
            "outcomes": [[str(label), n] for label, n in placements["outcomes"]],
            # Per company (README, "Figures": plantskola), names and counts only.
            "by_company": company_placement_records(organisation_id=organisation.pk, year=year, today=today),
        },
        "procurement": {
            **{f"published_{key}": n for key, n in procurement["published"].items()},
            **{f"awarded_{key}": n for key, n in procurement["awarded"].items()},
            "asf_value": asf_value,
            "asf_companies": procurement["asf_companies"],
            "total_value": total_value,
            "asf_share": round(100 * asf_value / total_value, 1) if total_value else None,
        },
    }


def _plans(organisation: Organisation, year: int, today: date) -> list[dict]:
    as_of = as_of_date(year, today)
    plans = ActionPlan.objects.filter(organisation=organisation, start_year__lte=year, end_year__gte=year)
    frozen = []
    for plan in plans:
        progress = plan_progress(plan=plan, today=as_of)
        groups = [
            (item["goal"].title, item["percent"], item["light"], item["activities"])
            for item in progress["goals"]
        ]
        if progress["ungrouped"]:
            groups.append(
                (_("Activities without a goal"), progress["ungrouped_percent"], "", progress["ungrouped"])
            )
        frozen.append(
            {
                "title": plan.title,
                "period": f"{plan.start_year}\u2013{plan.end_year}",
                "adopted_by": plan.adopted_by,
                "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None,
                "percent": progress["percent"],
                "light": progress["light"],
                "goals": [
                    {
                        "title": title,
                        "percent": percent,
                        "light": light,
                        "activities": [_activity(activity, year) for activity in activities],
                    }
                    for title, percent, light, activities in groups
                ],
            }
        )
    return frozen


def _activity(activity: Activity, year: int) -> dict:
    return {
        "title": activity.title,
        "status": activity.status,
        "percent": activity.percent,
        "light": activity.light,
        "end_on": activity.end_on.isoformat(),
        "indicators": [
            {
                "name": indicator.name,
                "baseline": _number(indicator.baseline),
                "target": _number(indicator.target),
                "actual": indicator.actuals.get(str(year)),
            }
            for indicator in activity.indicators.all()
        ],
    }


def build_figures(
    *, organisation: Organisation, year: int, today: date, on_step: Callable[[int, str], None] | None = None
) -> dict:
    """Every figure of the report for one organisation and year, with the previous year beside it."""
    step = on_step or (lambda percent, text: None)
    municipality_ids = area_municipality_ids(organisation=organisation)
    step(15, _("Counting ASF, placements and tenders"))
    current = _year_figures(organisation, municipality_ids, year, today)
    step(35, _("Counting the previous year"))
    previous = _year_figures(organisation, municipality_ids, year - 1, today)
    step(55, _("Following up the action plans"))
    plans = _plans(organisation, year, today)
    return {
        "organisation": organisation.name,
        "organisation_kind": organisation.kind,
        "year": year,
        "as_of": as_of_date(year, today).isoformat(),
        "municipalities": len(municipality_ids),
        "current": current,
        "previous": previous,
        "plans": plans,
    }


# --- Rendering from frozen figures -----------------------------------------------------------------------------


def comparison_rows(figures: dict) -> list[dict]:
    rows = []
    for section, key, label in COMPARED:
        current = figures["current"][section].get(key)
        previous = figures["previous"][section].get(key)
        change = (
            current - previous
            if isinstance(current, int | float) and isinstance(previous, int | float)
            else None
        )
        rows.append({"label": str(label), "current": current, "previous": previous, "change": change})
    return rows


def bar_chart(
    *, key: str, title: str, rows: list[tuple[str, float]], unit: str = "", maximum: float | None = None
) -> str:
    """A horizontal bar chart as inline SVG, readable by screen readers (role=img with a title and description)
    and printable by WeasyPrint; every chart also has its numbers in a table beside it."""
    width, label_width, bar_height, gap = 760, 360, 22, 8
    key = escape(key)
    top = maximum or max((value for _, value in rows), default=0) or 1
    height = max(1, len(rows)) * (bar_height + gap) + gap
    description = "; ".join(f"{label}: {value}{unit}" for label, value in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="chart-{key}-title chart-{key}-desc">',
        f'<title id="chart-{key}-title">{escape(title)}</title>',
        f'<desc id="chart-{key}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        bar = (width - label_width - 70) * (value or 0) / top
        shown = label if len(label) <= 52 else label[:51] + "\u2026"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1b1b1b">'
            f"{escape(shown)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{bar:.1f}" height="{bar_height}" fill="#005a9c"/>'
            f'<text x="{label_width + bar + 6:.1f}" y="{y + 16}" font-size="13" fill="#1b1b1b">'
            f"{escape(str(value))}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec B308, B703  # every text above is escaped; numbers are ours


def render_context(report) -> dict:
    """What the web page, the PDF and the workbook show, from the frozen figures only."""
    figures = copy.deepcopy(report.figures)  # labels and charts are added below, never saved
    current = figures["current"]
    companies = current["companies"]
    charts = {
        "companies": bar_chart(
            key="companies",
            title=_("ASF in the area"),
            rows=[
                (_("Verified at year end"), companies["verified"]),
                (_("Newly verified"), companies["new"]),
                (_("Verification lapsed"), companies["lapsed"]),
                (_("Closed during the year"), companies["closed"]),
            ],
        ),
        "outcomes": bar_chart(
            key="outcomes", title=_("Outcomes of ended placements"), rows=current["placements"]["outcomes"]
        ),
        "plans": [
            bar_chart(
                key=f"plan-{index}",
                title=_("Progress per goal"),
                rows=[(goal["title"], goal["percent"]) for goal in plan["goals"]],
                unit=" %",
                maximum=100,
            )
            for index, plan in enumerate(figures["plans"])
        ],
    }
    status_labels = dict(Activity.Status.choices)
    for plan in figures["plans"]:
        for goal in plan["goals"]:
            for activity in goal["activities"]:
                activity["status_label"] = str(status_labels.get(activity["status"], activity["status"]))
                activity["light_label"] = str(SIGNAL_LABELS.get(activity["light"], ""))
            goal["light_label"] = str(SIGNAL_LABELS.get(goal["light"], ""))
        plan["light_label"] = str(SIGNAL_LABELS.get(plan["light"], ""))
    for plan, chart in zip(figures["plans"], charts["plans"], strict=True):
        plan["chart"] = chart
    return {
        "report": report,
        "figures": figures,
        "current": current,
        "previous": figures["previous"],
        "comparison": comparison_rows(figures),
        "charts": charts,
        "plans": figures["plans"],
        "kind_label": dict(Organisation.Kind.choices).get(figures["organisation_kind"], ""),
    }


def render_pdf(report) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the report task needs.
    from weasyprint import HTML

    html = render_to_string("policies/report_pdf.html", render_context(report))
    return HTML(string=html).write_pdf()


def render_xlsx(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    context = render_context(report)
    figures = context["figures"]
    workbook = Workbook()
    bold = Font(bold=True)

    summary = workbook.active
    summary.title = _("Summary")[:31]
    summary.append([_("Annual report %(year)s: %(organisation)s") % figures])
    summary["A1"].font = bold
    summary.append([_("Figures as of %(date)s, generated %(at)s") % {
        "date": figures["as_of"], "at": timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")
    }])  # fmt: skip
    summary.append([])
    summary.append([_("Figure"), str(figures["year"]), str(figures["year"] - 1), _("Change")])
    for cell in summary[4]:
        cell.font = bold
    for row in context["comparison"]:
        summary.append([row["label"], row["current"], row["previous"], row["change"]])
    procurement = context["current"]["procurement"]
    placements = context["current"]["placements"]
    summary.append([])
    summary.append([_("All contract value awarded (SEK)"), procurement["total_value"]])
    summary.append([_("ASF share of all contract value (%)"), procurement["asf_share"]])
    summary.append([_("Share of ended placements leading to employment (%)"), placements["employment_share"]])
    summary.column_dimensions["A"].width = 48

    outcomes = workbook.create_sheet(_("Placement outcomes")[:31])
    outcomes.append([_("Outcome"), _("Placements")])
    for label, n in placements["outcomes"]:
        outcomes.append([label, n])
    outcomes.column_dimensions["A"].width = 40
    by_company = workbook.create_sheet(_("Placements per company")[:31])
    by_company.append([_("Company"), _("Ended"), _("Into paid work at the end"), _("Share (%)"),
                       _("Followed up after 90 days"), _("In paid work after 90 days"), _("Share (%)")])  # fmt: skip
    for row in placements.get("by_company", []):
        by_company.append([row["company"], row["ended"], row["employed"], row["employment_share"],
                           row["followed_90"], row["employed_90"], row["employment_share_90"]])  # fmt: skip
    by_company.column_dimensions["A"].width = 40

    activities = workbook.create_sheet(_("Activities")[:31])
    activities.append(
        [_("Plan"), _("Goal"), _("Activity"), _("Status"), _("Progress (%)"), _("Signal"), _("Indicator"),
         _("Baseline"), _("Target"), _("Actual")]
    )  # fmt: skip
    for cell in activities[1]:
        cell.font = bold
    for plan in figures["plans"]:
        for goal in plan["goals"]:
            for activity in goal["activities"]:
                base = [plan["title"], goal["title"], activity["title"], activity["status_label"],
                        activity["percent"], str(activity["light_label"])]  # fmt: skip
                if not activity["indicators"]:
                    activities.append([*base, "", None, None, None])
                for indicator in activity["indicators"]:
                    activities.append(
                        [
                            *base,
                            indicator["name"],
                            indicator["baseline"],
                            indicator["target"],
                            indicator["actual"],
                        ]
                    )
    for column in "ABCG":
        activities.column_dimensions[column].width = 36

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
