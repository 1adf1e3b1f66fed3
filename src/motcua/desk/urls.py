from django.urls import path

from motcua.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.index, name="index"),
    path("ho-so/<int:pk>/", views.dossier, name="dossier"),
    path("ho-so/<int:pk>/thao-tac/", views.act, name="act"),
    path("ho-so/<int:pk>/tep/<int:attachment_id>/", views.attachment, name="attachment"),
    path("tiep-nhan-truc-tiep/", views.intake, name="intake"),
]
