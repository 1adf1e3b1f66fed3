from motcua.linked.adapters import http, local  # noqa: F401
