"""Notifications: approvals waiting, SLA warnings and breaches, escalations and failures, told
through a signed webhook and email, once per event and channel."""

from servers.notify.notifier import Notifier
from servers.notify.settings import NotifySettings
from servers.notify.wiring import notifier_for, notifying

__all__ = ["NotifySettings", "Notifier", "notifier_for", "notifying"]
