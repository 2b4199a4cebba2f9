"""dutygraph as Apollo Federation 2 subgraphs: the core and each plugin, one process each.

`dutygraph serve --subgraph NAME` serves one of them (see docs/federation.md); a router
(Hive Gateway, deploy/router) joins them by key. The monolith (`dutygraph serve`) is
unchanged: it composes everything in-process.
"""
