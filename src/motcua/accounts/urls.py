"""``/tai-khoan/…``: login, logout, sign-up with a one-time code, VNeID login (OpenID Connect)."""

from django.urls import path

from motcua.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.signup, name="signup"),
    path("xac-minh/", views.verify, name="verify"),
    path("xac-minh/gui-lai/", views.resend_code, name="resend_code"),
    path("vneid/", views.EidStartView.as_view(), name="eid_login"),
    path("vneid/callback/", views.EidCallbackView.as_view(), name="eid_callback"),
    path("can-xac-thuc-vneid/", views.assurance_required, name="assurance_required"),
]
