from django.conf import settings


def site(request):
    return {
        "site_name": settings.MOTCUA_SITE_NAME,
        "hotline": settings.MOTCUA_HOTLINE,
        "office_hours": settings.MOTCUA_OFFICE_HOURS,
    }
