"""The project's URLs plus the results app (until the project urls.py includes it)."""

from django.urls import include, path

from motcua.urls import handler404, handler500  # noqa: F401
from motcua.urls import urlpatterns as project_urlpatterns

_mounted = any(getattr(p, "app_name", None) == "results" for p in project_urlpatterns)
urlpatterns = list(project_urlpatterns)
if not _mounted:
    urlpatterns.insert(0, path("", include("motcua.results.urls")))
