"""dutygraph core: the domain (organisations, roles, duties, …) and the plugin hook specs."""

from core.hookspecs import hookimpl

__all__ = ["hookimpl"]
