"""Shared GraphQL machinery: global ids, connections, payload errors, composed types."""
