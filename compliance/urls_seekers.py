from django.urls import path

from . import views_seekers as views

app_name = "compliance_seekers"

# Under /seekers/ (config.urls).
urlpatterns = [
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("deletion-requests/", views.deletion_requests, name="deletion_requests"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("deletion-requests/<id:organization_id>/confirm/", views.deletion_confirm, name="deletion_confirm"),
]
