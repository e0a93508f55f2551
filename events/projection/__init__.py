"""Read models built from the event stream by consumers."""

from events.projection.analytics import RequestAnalytics, RequestAnalyticsProjection

__all__ = ["RequestAnalytics", "RequestAnalyticsProjection"]
