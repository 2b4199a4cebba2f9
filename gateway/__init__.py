"""The HTTP edge: app factory, schema composition, context, limits, telemetry, CLI."""
