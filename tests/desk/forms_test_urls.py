"""The site's URLs plus the forms under ``/mot-cua/`` (as the project includes them)."""

from django.urls import include, path

from motcua.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("mot-cua/", include("motcua.desk.forms_urls")),
    *site_urlpatterns,
]
