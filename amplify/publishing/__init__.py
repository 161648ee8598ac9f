"""Direct publishing to Mastodon and Bluesky (``/publishing``), and automatic take-down.

The worker asks ``clearance()`` at the moment of sending — the one judge, never a second
rule — and deletes what went out when the ledger announces a withdrawal.
"""


def init_app(app):
    from amplify.publishing import subscribers

    subscribers.connect()
