"""URLs of the demo VNeID provider. The OpenID Connect endpoints live under ``/o/`` (issuer
``<base>/o``): ``authorize/``, ``token/``, ``userinfo/``, ``.well-known/jwks.json`` and
``.well-known/openid-configuration``."""

from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from motcua.eid_provider.idp import views

idp_patterns = (
    [
        path("", views.home, name="home"),
        path("dang-nhap/", views.EidLoginView.as_view(), name="login"),
        path("dang-xuat/", views.EidLogoutView.as_view(), name="logout"),
        path("huy/", views.cancel, name="cancel"),
    ],
    "idp",
)
oauth2_patterns = (oauth2_urls.base_urlpatterns + oauth2_urls.oidc_urlpatterns, "oauth2_provider")

urlpatterns = [
    path("", include(idp_patterns)),
    path("o/", include(oauth2_patterns)),
]
