"""What the workshop tells the capabilities built on it, without importing them."""

from django.dispatch import Signal

# Sent with `registration` when someone's place is cancelled: whatever their registration
# opened (a personal card link at a café) must close at once.
registration_cancelled = Signal()
