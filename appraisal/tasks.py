"""Background jobs of appraisal. Thin: each calls one service and is safe to run twice (a run is
recomputed in place; manual scores are kept; two computations of one run are serialised by a row lock)."""

from celery import shared_task
from django.utils import timezone

from appraisal import services
from appraisal.choices import SchemeState
from appraisal.models import AppraisalScheme
from core.errors import DomainError
from core.periods import Period
from core.rights import SYSTEM
from regions.models import OrgUnit


@shared_task(name="appraisal.compute_run", soft_time_limit=540, time_limit=600)
def compute_run(scheme_id, period=None, unit_id=None):
    """Compute (or recompute) the run of one approved scheme for a period (default: the last finished
    period of the scheme's kind) over a unit (default: the scheme's unit or the company). Returns the
    run's id and the number of people scored."""
    scheme = AppraisalScheme.objects.get(pk=scheme_id)
    if period is None:
        period = str(Period.of(timezone.localdate(), scheme.period_kind).previous())
    unit = OrgUnit.objects.get(pk=unit_id) if unit_id else None
    run = services.run_compute(scheme=scheme, period=period, unit=unit, by=SYSTEM)
    return {"run": run.pk, "people": run.people}


@shared_task(name="appraisal.compute_all", soft_time_limit=1740, time_limit=1800)
def compute_all():
    """Recompute the last finished period of every approved scheme (beat: nightly, after the summaries),
    so late corrections to the facts reach the scores."""
    done = []
    for scheme_id in AppraisalScheme.objects.filter(state=SchemeState.APPROVED).values_list("pk", flat=True):
        try:
            done.append(compute_run(scheme_id))
        except DomainError as error:
            # A scheme not yet valid for the last period (or the like) skips; the others still run.
            done.append({"scheme": scheme_id, "skipped": str(error.message)})
    return done
