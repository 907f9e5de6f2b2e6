# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Time on a working-hours calendar (resource.calendar: its time zone, holidays
and leaves), for the SLA clocks and the confirmation reminders."""

from datetime import datetime, timedelta

import pytz

# Working intervals are read per calendar for windows of this many days.
CLOCK_BUCKET_DAYS = 30
CLOCK_WINDOW_DAYS = 150


class WorkingClock:
    """Adds working time for a whole batch of tickets with few calendar queries.

    resource.calendar.plan_hours reads the calendar's leaves on every call: one
    query per ticket. This reads each calendar's work intervals (time zone,
    holidays and leaves applied by resource.calendar itself) once per window and
    serves every ticket of the batch from them.
    """

    def __init__(self):
        self._intervals = {}

    def add(self, calendar, start, minutes):
        start_utc = pytz.utc.localize(start)
        remaining = timedelta(minutes=minutes)
        for begin, end, _meta in self._window(calendar, start):
            if end <= start_utc:
                continue
            begin = max(begin, start_utc)
            if remaining <= end - begin:
                return (begin + remaining).astimezone(pytz.utc).replace(tzinfo=None)
            remaining -= end - begin
        # beyond the window (a huge target): let the calendar plan it; a calendar
        # with (almost) no working time cannot, and the deadline is then counted
        # around the clock, as add_working_days does, rather than not at all
        return calendar.plan_hours(
            minutes / 60, start, compute_leaves=True
        ) or start + timedelta(minutes=minutes)

    def _window(self, calendar, start):
        bucket = start.toordinal() // CLOCK_BUCKET_DAYS
        if (calendar.id, bucket - 1) in self._intervals:
            # the previous bucket's window still covers 90 days and more after
            # `start` (longer targets fall back on plan_hours, as beyond any window)
            bucket -= 1
        key = (calendar.id, bucket)
        if key not in self._intervals:
            window_start = datetime.fromordinal(bucket * CLOCK_BUCKET_DAYS)
            window_start = pytz.utc.localize(window_start)
            window_end = window_start + timedelta(days=CLOCK_WINDOW_DAYS)
            self._intervals[key] = list(
                calendar._work_intervals_batch(window_start, window_end)[False]
            )
        return self._intervals[key]


def add_working_days(calendar, start, days):
    """`start` plus `days` working days of `calendar` (leaves too); around the
    clock without a calendar, or when the calendar has no working day ahead."""
    if not calendar:
        return start + timedelta(days=days)
    return calendar.plan_days(days + 1, start, compute_leaves=True) or (
        start + timedelta(days=days)
    )


def minutes_between(calendar, start, end):
    """Minutes from `start` to `end`: working minutes of `calendar`, or every
    minute without one."""
    if calendar:
        return round(calendar.get_work_hours_count(start, end) * 60)
    return round((end - start).total_seconds() / 60)
