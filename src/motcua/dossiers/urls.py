from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("nop-ho-so/<str:code>/", views.start, name="start"),
    path("ho-so/", views.my_dossiers, name="mine"),
    path("ho-so/<int:pk>/", views.detail, name="detail"),
    path("ho-so/<int:pk>/buoc/<int:index>/", views.step, name="step"),
    path("ho-so/<int:pk>/kiem-tra/", views.review, name="review"),
    path("ho-so/<int:pk>/da-nop/", views.done, name="done"),
    path("ho-so/<int:pk>/bien-nhan.pdf", views.receipt_pdf, name="receipt"),
    path("ho-so/<int:pk>/rut/", views.withdraw, name="withdraw"),
    path("ho-so/<int:pk>/bo-sung/", views.send_supplement, name="supplement"),
    path("tra-cuu/", views.track, name="track"),
    path("xin-loi/", views.apologies, name="apologies"),
    path("ho-tro-nop/", views.assisted_start, name="assisted"),
]
