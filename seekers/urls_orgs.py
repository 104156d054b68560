from django.urls import path

from . import views_orgs

app_name = "orgs_seekers"

urlpatterns = [
    path("", views_orgs.search, name="search"),
    path("<public_id:public_id>/", views_orgs.profile, name="profile"),
]
