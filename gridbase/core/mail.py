"""Outgoing e-mail (invitations, password resets): SMTP when configured, else the log.

Without GRIDBASE_SMTP_HOST a message is written to the "gridbase.mail" logger at INFO, so a
self-hosted server with no mail relay still lets its admin read and pass on a link. Sending
is synchronous and short (one SMTP session per message); a failure is logged and raised
as MailNotSent so the caller decides whether the action that needed it still stands.
Imports: config.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from gridbase.config import Settings

log = logging.getLogger("gridbase.mail")


class MailNotSent(Exception):
    """The SMTP server refused the message or could not be reached."""


def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send a plain-text message to `to` (or log it when no SMTP server is set)."""
    if not settings.smtp_host:
        log.info("e-mail (no GRIDBASE_SMTP_HOST set) to %s: %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = settings.from_email
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    smtp_class = smtplib.SMTP_SSL if settings.smtp_use_ssl else smtplib.SMTP
    try:
        with smtp_class(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_use_tls and not settings.smtp_use_ssl:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("e-mail to %s not sent: %s", to, exc)
        raise MailNotSent(str(exc)) from exc
