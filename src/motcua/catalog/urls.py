from django.urls import path

from motcua.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="detail"),
]
