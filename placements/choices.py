"""The coded choices of placements: support measures, adaptations, income sources, occupations, target groups and
outcomes (coded like SCB's försörjningsmått and SUS, domain notes §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportMeasure(models.TextChoices):
    AF_WORK_TRAINING = "af_work_training", _("Work training through Arbetsförmedlingen")
    WAGE_SUBSIDY = "wage_subsidy", _("Wage subsidy (lönebidrag/lönestöd)")
    INTRODUCTION_JOB = "introduction_job", _("Introduction job (introduktionsjobb)")
    NEW_START_JOB = "new_start_job", _("New-start job (nystartsjobb)")
    LSS_DAILY_ACTIVITY = "lss_daily_activity", _("Daily activity under LSS")
    MUNICIPAL_MEASURE = "municipal_measure", _("Municipal labour-market measure")
    FORBUND_PROJECT = "forbund_project", _("Samordningsförbund project")
    OTHER = "other", _("Other")


class Adaptation(models.TextChoices):
    ACCESSIBLE = "accessible", _("Accessible premises")
    FLEXIBLE_HOURS = "flexible_hours", _("Flexible hours")
    QUIET = "quiet", _("Quiet workplace")
    LANGUAGE = "language", _("Support in Swedish")
    SHORT_DAYS = "short_days", _("Short days to start with")


# Income sources and occupation, coded like SCB's försörjningsmått and SUS (domain notes §3).
class IncomeSource(models.TextChoices):
    WAGE = "wage", _("Wages")
    SICKNESS = "sickness", _("Sickness or rehabilitation benefit")
    ACTIVITY_COMPENSATION = "activity_compensation", _("Sickness or activity compensation")
    UNEMPLOYMENT = "unemployment", _("Unemployment benefit")
    ACTIVITY_SUPPORT = "activity_support", _("Activity support or development allowance")
    ESTABLISHMENT = "establishment", _("Establishment benefit")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance (försörjningsstöd)")
    STUDY_SUPPORT = "study_support", _("Study support")
    NONE = "none", _("No income of one's own")
    OTHER = "other", _("Other")


class Occupation(models.TextChoices):
    WORK = "work", _("Work")
    STUDIES = "studies", _("Studies")
    SEEKING = "seeking", _("Actively seeking work")
    MEASURE = "measure", _("Labour-market measure")
    SICK = "sick", _("Sick leave or rehabilitation")
    NONE = "none", _("No occupation")


class TargetGroup(models.TextChoices):
    """Coded: some of these reveal health or origin (GDPR art. 9), so they are shown only to the case's coordinators."""

    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
    NEWLY_ARRIVED = "newly_arrived", _("Newly arrived")
    DISABILITY = "disability", _("Disability affecting work capacity")
    MENTAL_HEALTH = "mental_health", _("Mental ill health")
    ADDICTION = "addiction", _("Addiction, in recovery")
    YOUNG_ADULT = "young_adult", _("Young adult outside work and studies")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    WORK_AT_ASF = "work_at_asf", _("Paid work at the ASF, unsubsidised")
    WORK_AT_ASF_SUBSIDISED = "work_at_asf_subsidised", _("Paid work at the ASF, subsidised")
    WORK_ELSEWHERE = "work_elsewhere", _("Paid work elsewhere, unsubsidised")
    WORK_ELSEWHERE_SUBSIDISED = "work_elsewhere_subsidised", _("Paid work elsewhere, subsidised")
    STUDIES = "studies", _("Studies")
    OTHER_MEASURE = "other_measure", _("Another labour-market measure")
    SEEKING = "seeking", _("Actively seeking work")
    SICK = "sick", _("Sick leave or rehabilitation")
    OTHER = "other", _("Other")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    # Consent withdrawn: nothing more may be registered about the person, the outcome included.
    NOT_KNOWN = "not_known", _("Not known (consent withdrawn)")


EMPLOYMENT_OUTCOMES = (
    Outcome.WORK_AT_ASF,
    Outcome.WORK_AT_ASF_SUBSIDISED,
    Outcome.WORK_ELSEWHERE,
    Outcome.WORK_ELSEWHERE_SUBSIDISED,
)


# What the participant access log records (services.log_access), in words for the log page; the stored value stays
# as written, so the log's history reads the same before and after a change of wording.
ACCESS_LOG_ACTIONS = {
    "viewed": _("Viewed the record"),
    "registered": _("Registered the participant"),
    "consent withdrawn": _("Recorded the withdrawn consent"),
    "consent renewed": _("Recorded a new consent"),
    "placement created": _("Created a placement"),
    "exported": _("Exported the register extract"),
}
