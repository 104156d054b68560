from django.urls import path

from . import views_seekers

app_name = "messaging_seekers"

urlpatterns = [
    path("", views_seekers.inbox, name="inbox"),
    path("<id:message_id>/", views_seekers.detail, name="detail"),
]
