"""Staff hear back (issue 14): when an activist answers, asks for a change, asks to be
called or to have something explained, or withdraws, the people who must act are told in
Amplify — and by e-mail when SMTP is set. Nothing here ever writes to an activist."""


def init_app(app):
    from amplify.notifications import subscribers

    subscribers.connect()
