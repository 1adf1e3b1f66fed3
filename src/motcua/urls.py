from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from motcua.api.urls import api

urlpatterns = [
    # Without a CSRF token: a forged language choice harms no one, and so the public pages set no
    # CSRF cookie (less work on the busiest pages) and the switch never fails on a page kept open
    # longer than a token lives.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("mot-cua/", include("motcua.accounts.officer_urls")),
    path("mot-cua/", include("motcua.desk.urls")),
    path("mot-cua/", include("motcua.desk.forms_urls")),
    path("hop/", include("motcua.meetings.urls")),
    path("ra-soat/", include("motcua.reform.urls")),
    path("", include("motcua.results.urls")),
    path("", include("motcua.dossiers.urls")),
    path("", include("motcua.catalog.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"
