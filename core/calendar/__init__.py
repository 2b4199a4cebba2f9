"""The work calendar (M3): recurrence rules, tasks, full-process records, reminders."""
