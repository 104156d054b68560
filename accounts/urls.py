from django.urls import path

from . import views

# Under /accounts/, before allauth's own URLs (config.urls): its email page (add an address, make it
# primary at once) is not offered; this page stands in its place under allauth's URL name.
urlpatterns = [
    path("email/", views.email_change_info, name="account_email"),
]
