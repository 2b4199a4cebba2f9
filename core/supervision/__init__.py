"""Process control (过程管控, M4): procedures, inspections, spot checks, findings, bulletins."""
