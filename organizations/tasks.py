from celery import shared_task

from . import services


@shared_task
def approval_reminders() -> int:
    """08:00 JST: the reminder mail to the administrators of organisations whose approval ends soon."""
    return services.approval_reminders_send()
