"""URLs of the official forms and the register; included under ``/mot-cua/``."""

from django.urls import path

from motcua.desk import forms_views

app_name = "desk_forms"

urlpatterns = [
    path("ho-so/<int:pk>/mau-<str:form>.pdf", forms_views.form_pdf, name="form_pdf"),
    path("so-theo-doi-ho-so/", forms_views.register, name="register"),
]
