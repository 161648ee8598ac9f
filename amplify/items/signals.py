"""What the items domain announces; notifications subscribe in their own package."""

from blinker import Namespace

signals = Namespace()

# sender: the Item whose every required take-down is now confirmed.
takedowns_confirmed = signals.signal("takedowns-confirmed")
