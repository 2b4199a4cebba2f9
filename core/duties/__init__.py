"""Responsibility lists (M2): duty libraries, duty descriptions, position manuals, duties."""
