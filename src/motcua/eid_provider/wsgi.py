"""WSGI entry point of the demo VNeID provider (``gunicorn motcua.eid_provider.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.eid_provider.settings")
application = get_wsgi_application()
