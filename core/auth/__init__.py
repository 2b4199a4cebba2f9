"""Accounts, grants, tokens and the per-request principal."""
