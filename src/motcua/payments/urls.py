from django.urls import path

from motcua.payments import views

app_name = "payments"
urlpatterns = [
    path("ipn/<slug:gateway>/", views.ipn, name="ipn"),
    path("ket-qua/<slug:gateway>/", views.payment_return, name="return"),
    path("sandbox/", views.sandbox, name="sandbox"),
]
