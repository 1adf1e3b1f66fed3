"""Payment gateway adapters; importing this package registers them with :mod:`..ports`."""

from motcua.payments.adapters import sandbox, vnpay  # noqa: F401
