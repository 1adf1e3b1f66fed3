"""``/mot-cua/…``: the back-office login (password, then TOTP). Included by ``motcua.urls`` as
``path("mot-cua/", include("motcua.accounts.officer_urls"))``."""

from django.urls import path

from motcua.accounts import officer_views

app_name = "officer"
urlpatterns = [
    path("dang-nhap/", officer_views.login_view, name="login"),
    path("dang-nhap/ma-xac-thuc/", officer_views.otp_view, name="otp"),
    path("dang-nhap/cai-dat-ung-dung/", officer_views.enrol_view, name="enrol"),
    path("dang-xuat/", officer_views.LogoutView.as_view(), name="logout"),
]
