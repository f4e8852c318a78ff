"""Change stream fixtures: the webhook receiver, for comparing stream events with webhook bodies."""

from tests.webhooks.conftest import receiver

__all__ = ["receiver"]
