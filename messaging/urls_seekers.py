from django.urls import path

from . import views_seekers as views

app_name = "messaging_seekers"

# Under /seekers/ (config.urls).
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<id:message_id>/", views.detail, name="detail"),
    path("messages/<id:message_id>/decline/", views.decline, name="decline"),
    path("messages/<id:message_id>/block/", views.block, name="block"),
]
