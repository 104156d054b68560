from django.urls import path

from . import views_orgs as views

app_name = "messaging_orgs"

# Under /orgs/ (config.urls). The guidance form hangs off the profile it is sent from.
urlpatterns = [
    path("seekers/<public_id:public_id>/guide/", views.guide, name="guide"),
    path("guidance/new/", views.batch_new, name="batch_new"),
    path("guidance/batches/", views.batch_list, name="batch_list"),
    path("guidance/batches/<id:batch_id>/", views.batch_detail, name="batch_detail"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/<id:conversation_id>/", views.detail, name="detail"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/<id:template_id>/", views.template_edit, name="template_edit"),
    path("templates/<id:template_id>/delete/", views.template_delete, name="template_delete"),
]
