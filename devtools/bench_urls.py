"""The site's URLs plus /bench/trivial/, the yardstick of bench_pages: a Django view behind the same
middleware (session, signed-in user, idle stamp, MFA check, CSP) that renders nothing and reads nothing."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("config.urls")),
]
