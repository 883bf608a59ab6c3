"""The national ASF registry for `manage.py seed_scale`: companies in every state with assessment histories,
municipalities, services, contact persons and one representative each (see asfportal/core/scale.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from asfportal.accounts.models import Membership, Role
from asfportal.core.scale import ScaleContext, bulk, scale_seeder

from .models import Assessment, Company, ContactPerson, Representative, ServiceCategory, default_valid_until
from .validators import org_number_from_stem

TRADES = ["Café", "Catering", "Städ", "Flytt", "Trädgård", "Cykelverkstad", "Second hand", "Tvätteri", "Snickeri",
          "Fastighetsservice", "Bageri", "Tryckeri", "Lager och logistik", "Återbruk", "Hunddagis"]  # fmt: skip
PLACES = ["Norr", "Söder", "Väster", "Öster", "Centrum", "Bruket", "Hamnen", "Ängen", "Åsen", "Gärdet"]
# Share of companies per state: verified (valid), lapsed, not verified, under assessment, applied, closed.
STATES = [("verified", 60), ("lapsed", 12), ("not_verified", 8), ("under_assessment", 8), ("applied", 6),
          ("closed", 6)]  # fmt: skip


def _assessment(company_id: int, coordinator_id: int, organisation_id: int, on, verified: bool) -> Assessment:
    met, not_met = Assessment.Verdict.MET, Assessment.Verdict.NOT_MET
    return Assessment(
        company_id=company_id, assessed_by_id=coordinator_id, assessor_organisation_id=organisation_id,
        assessed_on=on, valid_until=default_valid_until(on) if verified else None, is_verified=verified,
        c1_verdict=met, c1_employees=8, c1_participants=4, c1_target_group_hires=2, c2_verdict=met,
        c3_verdict=met if verified else not_met, c4_verdict=met, c4_owners="Medlemmarna",
        note="" if verified else "Vinst delas ut till ägarna.",
    )  # fmt: skip


@scale_seeder
def seed_companies(ctx: ScaleContext) -> str:
    rng, today = ctx.rng, ctx.today
    categories = list(ServiceCategory.objects.values_list("pk", flat=True))
    states = [state for state, weight in STATES for _ in range(weight)]
    plans = []  # (company, state, kommun)
    for n in range(ctx.sizes["companies"]):
        state = rng.choice(states)
        kommun = ctx.municipality()
        trade = rng.choice(TRADES)
        verified_until = None
        if state == "verified":
            verified_until = today + timedelta(days=rng.randint(1, 360))
        elif state == "lapsed":
            verified_until = today - timedelta(days=rng.randint(1, 700))
        company = Company(
            name=f"{trade} {rng.choice(PLACES)} {n} ekonomisk förening",
            # 7698xxxxx: ekonomisk förening, a range the demo and the test factories never use.
            org_number=org_number_from_stem(f"7698{n:05d}"),
            legal_form=Company.LegalForm.EKONOMISK_FORENING,
            status=state,
            verified_until=verified_until,
            city=PLACES[n % len(PLACES)],
            email=f"info{n}@asf-skala.example",
            description=f"{trade} med arbetsträning och anställning för personer långt från arbetsmarknaden.",
            employees_total=(total := rng.randint(3, 60)),
            employees_integration=rng.randint(1, total),
            participants=rng.randint(0, 20),
            work_training_places=rng.randint(0, 8),
        )
        plans.append((company, state, kommun))
    companies = bulk(Company, (company for company, _, _ in plans))
    ctx.company_ids = [c.pk for c in companies]

    municipalities, services, assessments, contacts, history = [], [], [], [], []
    through_m, through_s = Company.municipalities.through, Company.service_categories.through
    history_model = Company.history.model
    now = timezone.now()
    for company, state, kommun in plans:
        ctx.company_municipality[company.pk] = kommun
        extra = [k for k in {kommun, ctx.municipality()} if k != kommun] if rng.random() < 0.3 else []
        municipalities += [through_m(company_id=company.pk, organisation_id=k) for k in [kommun, *extra]]
        services += [
            through_s(company_id=company.pk, servicecategory_id=c) for c in rng.sample(categories, 2)
        ]
        contacts.append(ContactPerson(company=company, name=f"Kontakt {company.pk}", title="Verksamhetschef",
                                      email=company.email, phone="010-100 00 00"))  # fmt: skip
        coordinator = ctx.coordinator_of(kommun)
        if state in ("verified", "lapsed", "closed"):
            # A history of yearly reassessments, the latest one verified (valid or run out).
            last = company.verified_until or today - timedelta(days=rng.randint(30, 400))
            latest_on = last - timedelta(days=365)
            for years_back in range(rng.randint(1, 3)):
                on = latest_on - timedelta(days=365 * years_back)
                assessments.append(_assessment(company.pk, coordinator, kommun, on, verified=True))
            if state == "verified":
                ctx.verified_company_ids.append(company.pk)
        elif state == "not_verified":
            on = today - timedelta(days=rng.randint(10, 300))
            assessments.append(_assessment(company.pk, coordinator, kommun, on, verified=False))
        # The history the annual report reads "closed" and "lapsed" from: when the status last changed.
        history.append(history_model(
            id=company.pk, name=company.name, org_number=company.org_number, legal_form=company.legal_form,
            status=state, verified_until=company.verified_until, employees_total=company.employees_total,
            employees_integration=company.employees_integration, participants=company.participants,
            work_training_places=company.work_training_places, created_at=now,
            history_date=now - timedelta(days=rng.randint(0, 700)), history_type="~",
        ))  # fmt: skip
    bulk(through_m, municipalities)
    bulk(through_s, services)
    bulk(Assessment, assessments)
    bulk(ContactPerson, contacts)
    bulk(history_model, history)
    representatives = [
        Representative(user_id=user_id, company_id=company_id)
        for user_id, company_id in zip(ctx.representative_ids, ctx.company_ids, strict=False)
    ]
    bulk(Representative, representatives)
    # The Representative row mirrors the person's active company membership (accounts.Membership).
    bulk(Membership, (Membership(user_id=r.user_id, role=Role.COMPANY_REPRESENTATIVE, company_id=r.company_id)
                      for r in representatives))  # fmt: skip
    ctx.representative_ids = ctx.representative_ids[len(representatives) :]
    return (
        f"{len(companies)} companies ({len(ctx.verified_company_ids)} verified), {len(assessments)} assessments, "
        f"{len(representatives)} representatives"
    )
