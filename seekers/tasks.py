from celery import shared_task

from . import services


@shared_task
def end_expired_periods() -> int:
    """Nightly (00:05 JST, CELERY_BEAT_SCHEDULE): mark ended periods and notify the seekers."""
    return services.periods_end()


@shared_task
def saved_searches_mail() -> int:
    """Hourly on the hour (CELERY_BEAT_SCHEDULE): the daily new-match mails of the saved searches whose
    hour (JST) it is."""
    return services.saved_searches_mail()
