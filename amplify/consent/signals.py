"""What the consent ledger announces; the packages that react (notifications, …)
subscribe in their own package, so the ledger never imports them."""

from blinker import Namespace

signals = Namespace()

# sender: the Decision just recorded (a yes, no, change request or withdrawal).
decision_recorded = signals.signal("decision-recorded")
# sender: the HelpRequest just made (she asks to be called, or to have it explained).
help_requested = signals.signal("help-requested")
