"""Limits for attachments, from the environment (bytes)."""

import os

MAX_FILE_BYTES = int(os.environ.get("MOTCUA_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
MAX_DOSSIER_BYTES = int(os.environ.get("MOTCUA_MAX_DOSSIER_BYTES", str(50 * 1024 * 1024)))
ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

# Public tracking: wrong code/PIN pairs allowed per client address and window (seconds).
# MOTCUA_TRACK_LIMIT raises it where many clients share one address (load tests, a proxy
# without X-Forwarded-For); keep the default on a public site.
TRACK_LIMIT = int(os.environ.get("MOTCUA_TRACK_LIMIT", "20"))
TRACK_WINDOW = 15 * 60
