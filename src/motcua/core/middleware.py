from motcua.core import audit


class AuditActorMiddleware:
    """Makes the request's user and address available to :func:`motcua.core.audit.record`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = audit.set_context(user=user, ip_address=request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            audit.reset_context(token)


class VietnameseByDefaultMiddleware:
    """Web pages open in Vietnamese unless the visitor chose another language.

    Many phones in Vietnam run an English system language; their Accept-Language header must not
    switch a citizen's pages to English. An explicit choice (the language cookie set by the
    switch) still wins, and the API keeps honouring Accept-Language for app clients.
    Must come before django.middleware.locale.LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
