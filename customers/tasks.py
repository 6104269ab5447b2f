"""Background work of the browser file import. Thin: each task takes a job id and calls the import
code, which is safe to run twice (a job is checked only while `uploaded` and committed only by the
run that claims it with a conditional UPDATE, core/jobs.py). Acked late and put back in the queue if the
pool process dies: the delivery again takes the job back (same task id); one for a finished job does nothing."""

from celery import shared_task

from customers import imports


@shared_task(
    name="customers.import_validate", bind=True, soft_time_limit=1800, time_limit=1900, acks_late=True, reject_on_worker_lost=True
)
def import_validate(self, job_id):
    """Check every row of an uploaded import file and record the errors or the go-ahead."""
    imports.job_validate(job_id=job_id, token=self.request.id, thread=not self.request.is_eager)


@shared_task(
    name="customers.import_commit", bind=True, soft_time_limit=3600, time_limit=3700, acks_late=True, reject_on_worker_lost=True
)
def import_commit(self, job_id):
    """Write a validated import file in one transaction (nothing if it is already committed)."""
    imports.job_commit(job_id=job_id, token=self.request.id, thread=not self.request.is_eager)
