"""The longest text Amplify takes, per kind of field, checked before anything parses it.

Every regular expression that reads user or feed text runs in linear time, but linear is
not free: a cap keeps each request's work small whatever is posted (the counter, forms,
campaign packs, feed entries). Forms use these through ``amplify.forms.MaxLength``, which
stops a field's validation at once, so no later validator parses an overlong text.
"""

NAME = 200  # names, titles, labels, pseudonyms, witnesses
ADDRESS = 2000  # one web address
NOTE = 2000  # comments, reasons, notes of a check, alt text
TEXT = 5000  # a message's long form, a goal, notes, a list of links or key dates
# An item's text (a post, or a whole thread): more than three times the longest limit
# of the platforms checked (LinkedIn, 3,000); Facebook's unverified 63,206 stays out of reach.
POST = 10_000
FEED_TITLE = 1000  # an entry's title, kept from a feed
FEED_TEXT = 20_000  # an entry's plain text, kept from a feed and searched for keywords
FEED_HTML = 100_000  # an entry's HTML, before it is sanitized
