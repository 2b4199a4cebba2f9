"""Installed vs enabled plugins: the run-time switch a sector's lead department holds."""
