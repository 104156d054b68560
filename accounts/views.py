from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def email_change_info(request):
    """Stands where allauth's email management page would be: the address is changed by staff
    (accounts.services.user_email_change), never by whoever holds a session."""
    return render(request, "accounts/email_change_info.html")
