"""The project's URLs plus ``thanh-toan/`` for the payments app, whether or not urls.py has it yet."""

from django.urls import include, path

from motcua.urls import urlpatterns as project_urlpatterns

_mounted = any(getattr(pattern, "namespace", None) == "payments" for pattern in project_urlpatterns)
urlpatterns = list(project_urlpatterns)
if not _mounted:
    urlpatterns.insert(0, path("thanh-toan/", include("motcua.payments.urls")))

handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"
