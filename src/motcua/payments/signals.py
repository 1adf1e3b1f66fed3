"""Signals other apps listen to. ``payments`` imports no other motcua app but ``core``.

``payment_status_changed`` is sent with ``sender=Payment`` and the keyword arguments

* ``payment`` — the :class:`~motcua.payments.models.Payment` as it is after the change,
* ``old_status``, ``new_status`` — values of ``Payment.Status``,
* ``source`` — what caused it: ``"ipn"``, ``"return"``, ``"desk"``, ``"refund"`` or ``"cancel"``.

It is sent after the transaction that changed the payment has committed
(``transaction.on_commit``), with ``send_robust``: one listener's error is logged and does not
undo the payment nor stop the other listeners. Listeners should be idempotent and do their own
transaction (or enqueue a task); see docs/payments.md.
"""

from django.dispatch import Signal

payment_status_changed = Signal()
