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
