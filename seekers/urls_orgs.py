from django.urls import path

from . import views_orgs as views

app_name = "seekers_orgs"

# Under /orgs/ (config.urls).
urlpatterns = [
    path("seekers/", views.search, name="search"),
    path("seekers/<public_id:public_id>/", views.profile, name="profile"),
    path("saved-searches/", views.saved_search_list, name="saved_searches"),
    path("saved-searches/new/", views.saved_search_new, name="saved_search_new"),
    path("saved-searches/<id:saved_id>/", views.saved_search_open, name="saved_search_open"),
    path("saved-searches/<id:saved_id>/edit/", views.saved_search_edit, name="saved_search_edit"),
    path("saved-searches/<id:saved_id>/delete/", views.saved_search_delete, name="saved_search_delete"),
]
