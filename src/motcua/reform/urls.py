from django.urls import path

from motcua.reform import views

app_name = "reform"
urlpatterns = [
    path("", views.index, name="index"),
    path("gia-tri-gio/", views.hourly_value, name="hourly_value"),
    path("ke-hoach/", views.plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan"),
    path("ke-hoach/<int:pk>/phan-cong/", views.plan_assign, name="plan_assign"),
    path("ke-hoach/<int:pk>/phuong-an/", views.plan_simplification, name="plan_simplification"),
    path(
        "ke-hoach/<int:pk>/phuong-an/<int:sp>/quyet-dinh/",
        views.simplification_decision,
        name="simplification_decision",
    ),
    path("ke-hoach/<int:pk>/<slug:report>.<str:fmt>", views.plan_export, name="plan_export"),
    path("phan-cong/<int:pk>/", views.assignment_detail, name="assignment"),
    path("phan-cong/<int:pk>/quan-sat/", views.observation_add, name="observation_add"),
    path("phan-cong/<int:pk>/xong/", views.assignment_done, name="assignment_done"),
    path("phan-cong/<int:pk>/danh-gia/", views.assessment_start, name="assessment_start"),
    path("danh-gia/<int:pk>/", views.assessment_detail, name="assessment"),
    path("danh-gia/<int:pk>/tra-loi/", views.assessment_answer, name="assessment_answer"),
    path("danh-gia/<int:pk>/phieu.<str:fmt>", views.assessment_export, name="assessment_export"),
    path("danh-gia/<int:pk>/chi-phi/", views.cost_prepare, name="cost_prepare"),
    path("danh-gia/<int:pk>/chi-phi/<str:kind>/", views.cost_sheet, name="cost"),
    path("danh-gia/<int:pk>/de-xuat/", views.proposal_create, name="proposal_create"),
    path("de-xuat/<int:pk>/", views.proposal_detail, name="proposal"),
    path("de-xuat/<int:pk>/thay-doi/", views.proposal_change, name="proposal_change"),
    path("de-xuat/<int:pk>/tien-do/", views.proposal_advance, name="proposal_advance"),
    path("de-xuat/<int:pk>/chi-phi.<str:fmt>", views.proposal_export, name="proposal_export"),
    path("bao-cao-nq66/", views.resolution66, name="resolution66"),
    path("gop-y/", views.suggestions, name="suggestions"),
    path("gop-y/thu-tuc/<str:code>/", views.suggest, name="suggest"),
]
