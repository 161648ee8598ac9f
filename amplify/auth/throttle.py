"""How fast a password may be guessed, without letting a stranger lock anyone out.

Failures are counted per account *and* address (an IPv6 /64 counts as one address):
after ``LOGIN_MAX_FAILURES`` in the window that address waits until the oldest of them
leaves it, whatever password it sends next. An account tried from many addresses, or an
address trying many accounts, slows down further: each address that already failed on
the account waits between its own tries, 1 s doubling up to the window. An address that
has not failed on the account is never made to wait, so the right password from a
colleague's or the owner's own connection always gets in, even during an attack on the
account, or from an office that shares its address with the attacker.

An attempt is reserved before its password is checked, in a transaction that holds a lock
on the account's name, so parallel guesses are weighed one after the other and never get
more tries than the limit.
"""

from datetime import timedelta

from flask import current_app

from amplify.auth.models import LoginAttempt
from amplify.db import database, is_postgres, utcnow


def lock_account_name(email):
    """Hold, until the transaction ends, a lock that every attempt on ``email`` needs.
    SQLite transactions here begin IMMEDIATE and so already hold the only write lock."""
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"login:{email}",))


def backoff(excess, window):
    """Seconds an address that failed waits between tries: none while ``excess`` < 0,
    then 1, 2, 4… up to the whole window."""
    if excess < 0:
        return timedelta(0)
    return min(window, timedelta(seconds=2 ** min(excess, 20)))


def reserve(email, address, now=None):
    """``(attempt, wait)``: the reserved attempt (recorded as a failure until its password
    proves right) and no wait, or no attempt and how long this address must wait."""
    config = current_app.config
    now = now or utcnow()
    window = timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    since = now - window
    with database.atomic():
        lock_account_name(email)
        recent = list(LoginAttempt.select(LoginAttempt.at, LoginAttempt.succeeded)
                      .where((LoginAttempt.email == email) & (LoginAttempt.address == address)
                             & (LoginAttempt.at >= since))
                      .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
                      .limit(config["LOGIN_MAX_FAILURES"] + 1))
        failed = []
        for attempt in recent:  # a success forgives the failures before it
            if attempt.succeeded:
                break
            failed.append(attempt.at)
        wait = timedelta(0)
        if len(failed) >= config["LOGIN_MAX_FAILURES"]:
            wait = failed[config["LOGIN_MAX_FAILURES"] - 1] + window - now
        elif failed:
            delay = max(
                backoff(LoginAttempt.failures_since(since, email=email) - config["LOGIN_SLOWDOWN_PER_ACCOUNT"],
                        window),
                backoff(LoginAttempt.failures_since(since, address=address)
                        - config["LOGIN_SLOWDOWN_PER_ADDRESS"], window))
            wait = failed[0] + delay - now
        if wait > timedelta(0):
            return None, wait
        return LoginAttempt.create(email=email, address=address, at=now, succeeded=False), timedelta(0)


def settle(attempt, succeeded):
    """The reserved attempt's outcome, once the password was checked."""
    if succeeded:
        LoginAttempt.update(succeeded=True).where(LoginAttempt.id == attempt.id).execute()
