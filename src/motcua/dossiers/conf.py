"""Limits for attachments, from the environment (bytes)."""

import os

MAX_FILE_BYTES = int(os.environ.get("MOTCUA_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
MAX_DOSSIER_BYTES = int(os.environ.get("MOTCUA_MAX_DOSSIER_BYTES", str(50 * 1024 * 1024)))
ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

# Public tracking: wrong code/PIN pairs allowed per client address and window (seconds).
TRACK_LIMIT, TRACK_WINDOW = 20, 15 * 60
