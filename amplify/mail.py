"""Sending one e-mail through the configured SMTP server (reminders, staff notifications)."""

import smtplib
from email.message import EmailMessage

from flask import current_app

FAILURES = (OSError, smtplib.SMTPException)


def smtp_configured():
    return bool(current_app.config.get("SMTP_HOST"))


def send_mail(recipient, subject, body):
    """Send now; raises one of FAILURES when the server refuses or cannot be reached."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"] or config["SMTP_USER"] or f"amplify@{config['SMTP_HOST']}"
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
