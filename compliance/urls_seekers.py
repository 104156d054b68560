from django.urls import path

from . import views

app_name = "compliance_seekers"

urlpatterns = [
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("deletion-requests/", views.deletion_requests, name="deletion_requests"),
]
