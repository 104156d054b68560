from django.urls import path

from . import views_orgs as views

app_name = "seekers_orgs"

# Under /orgs/ (config.urls).
urlpatterns = [
    path("seekers/", views.search, name="search"),
    path("seekers/<public_id:public_id>/", views.profile, name="profile"),
]
