"""The ``motcua`` console script: Django's manage.py plus the project's own commands.

``motcua serve`` (web + worker), ``motcua worker``, ``motcua demo``, ``motcua import-catalog``,
``motcua export-catalog`` are Django management commands, so ``python -m motcua`` and
``motcua`` accept every Django command as well.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    # Management commands cannot contain dashes in module names; accept the documented spelling.
    if len(argv) > 1:
        argv[1] = {"import-catalog": "import_catalog", "export-catalog": "export_catalog"}.get(
            argv[1], argv[1]
        )
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
