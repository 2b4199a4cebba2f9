// Compose a Federation 2 supergraph offline from the subgraphs' SDL.
// stdin: JSON [{ "name": "core", "url": "http://…/graphql", "sdl": "…" }, …]
// stdout: the supergraph SDL; on failure, the errors on stderr (each names its subgraph)
// and exit status 1. `dutygraph supergraph` (make supergraph) drives this script.
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";

const subgraphs = JSON.parse(readFileSync(0, "utf8"));
const services = [];
for (const { name, url, sdl } of subgraphs) {
  try {
    services.push({ name, url, typeDefs: parse(sdl) });
  } catch (error) {
    console.error(`subgraph ${name}: its SDL does not parse: ${error.message}`);
    process.exit(1);
  }
}
const result = composeServices(services);
if (compositionHasErrors(result)) {
  for (const error of result.errors) {
    console.error(error.message);
  }
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
