"""Pure analysis over the events table: filters, casualty ranges, dyad status and trends."""

from monitor.casualties import Range, counted_incidents, counted_mask, incident_details, incident_tolls, total
from monitor.filters import Filters, active_dyads, actor_options, apply_filters, filter_mask
from monitor.status import (DyadStatus, StatusTable, Transition, all_dyad_statuses, dyad_key, dyad_status,
                            prepare_statuses)

__all__ = [
    "DyadStatus", "Filters", "Range", "StatusTable", "Transition", "active_dyads", "actor_options",
    "all_dyad_statuses", "apply_filters", "counted_incidents", "counted_mask", "dyad_key", "dyad_status",
    "filter_mask", "incident_details", "incident_tolls", "prepare_statuses", "total",
]
