"""Outgoing e-mail: logged without an SMTP server, a clear error when the server is down."""

from __future__ import annotations

import logging
import socket

import pytest

from gridbase.config import Settings
from gridbase.core.mail import MailNotSent, send_mail


def test_without_an_smtp_host_the_message_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="gridbase.mail"):
        send_mail(Settings(), "ann@example.com", "Reset", "https://x/reset/abc")
    assert "ann@example.com" in caplog.text and "https://x/reset/abc" in caplog.text


def test_an_unreachable_smtp_server_raises_mail_not_sent() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port)
    with pytest.raises(MailNotSent):
        send_mail(settings, "ann@example.com", "Reset", "body")
