"""Idempotency keys of mutations: claimed before a mutation runs, then its stored response."""
