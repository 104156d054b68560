from celery import shared_task

from . import services


@shared_task
def nightly_compliance() -> dict:
    """00:15 JST: end of suspensions, overdue deletion answers, conversations organisations can no
    longer open, evidence retention."""
    return {
        "suspensions_ended": services.suspensions_end(),
        "access_ended": services.access_end_sweep(),
        "deletion_overdue": services.deletion_overdue_flag(),
        "retention_purged": services.retention_purge(),
    }
