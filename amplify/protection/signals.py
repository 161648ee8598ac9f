"""What protection announces; the packages that react (notifications, publishing, …)
subscribe in their own package, so protection never imports them."""

from blinker import Namespace

signals = Namespace()

# sender: the Activist just protected; ``protection``: the Protection row;
# ``publications``: the Publication rows that entered the take-down queue because of it.
protection_started = signals.signal("protection-started")
# sender: the Activist whose protection an admin lifted; ``protection``: the Protection row.
protection_lifted = signals.signal("protection-lifted")
