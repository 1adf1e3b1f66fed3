from django.urls import path

from motcua.results import views

app_name = "results"
urlpatterns = [
    path("xac-thuc/", views.lookup, name="lookup"),
    path("xac-thuc/<str:token>/", views.verify, name="verify"),
    path("ket-qua/<int:pk>/tai-ve/", views.download, name="download"),
]
