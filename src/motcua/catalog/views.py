from django.shortcuts import render


def home(request):
    return render(request, "catalog/home.html", {})


def procedure_list(request):
    return render(request, "catalog/list.html", {})


def procedure_detail(request, code):
    return render(request, "catalog/detail.html", {})
