// Hive Gateway in front of dutygraph's subgraphs (docs/federation.md).
// The supergraph is composed offline (`make supergraph` writes ../supergraph.graphql);
// SUPERGRAPH points elsewhere (the suite composes one with its own subgraph URLs).
import { defineConfig } from "@graphql-hive/gateway";

export const gatewayConfig = defineConfig({
  supergraph: process.env.SUPERGRAPH ?? "../supergraph.graphql",
  // Every subgraph authenticates the bearer token itself (and enforces its own limits
  // and cost): the router only passes it on, with the request's W3C trace context.
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const authorization = request.headers.get("authorization");
      return authorization ? { authorization } : {};
    },
  },
});
