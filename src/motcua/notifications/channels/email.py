"""E-mail through Django's mail API: whatever ``EMAIL_BACKEND`` the settings name (SMTP in
production, the console in the demo, the locmem outbox in tests)."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from motcua.notifications.ports import Channel, DeliveryError, OutgoingMessage, SendResult
from motcua.notifications.text import safe_error


def _domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return sender.rpartition("@")[2] or "localhost"


class EmailChannel(Channel):
    name = "email"

    def send(self, message: OutgoingMessage) -> SendResult:
        message_id = make_msgid(idstring=message.reference, domain=_domain())
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id, "X-Motcua-Reference": message.reference},
            connection=get_connection(fail_silently=False),
        )
        try:
            sent = email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = bool(codes) and all(code >= 500 for code in codes)
            raise DeliveryError(
                f"SMTP recipient refused ({', '.join(map(str, codes))})", permanent=permanent
            ) from None
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as exc:
            # Our own configuration (credentials, sender address): retry once an operator fixes it.
            raise DeliveryError(f"SMTP {exc.smtp_code}: server refused our login or sender") from None
        except smtplib.SMTPResponseException as exc:
            # 5xx: the server will not take this message; 4xx: try again later.
            raise DeliveryError(
                safe_error(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"), permanent=exc.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(safe_error(f"{type(exc).__name__}: {exc}")) from None
        if not sent:
            raise DeliveryError("the mail backend accepted no message")
        return SendResult(provider_message_id=message_id.strip("<>"), provider=self.provider)
