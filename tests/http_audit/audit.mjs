// Runs graphql-http's auditServer (GraphQL-over-HTTP spec conformance) against a URL and
// prints every result as JSON on stdout: [{id, name, status, reason?, httpStatus?, body?}].
//
//   node audit.mjs http://127.0.0.1:8000/graphql
//
// DUTYGRAPH_AUDIT_TOKEN, when set, is sent as a bearer token with every request (the audit
// itself only knows anonymous requests). Exit code: 0 when no audit is `error` or `warn`,
// 1 otherwise, 2 on a fatal error (server unreachable, bad arguments).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql-url>');
  process.exit(2);
}
const token = process.env.DUTYGRAPH_AUDIT_TOKEN;

function withToken(input, init = {}) {
  if (!token) return fetch(input, init);
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

async function describe(result) {
  const out = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    out.reason = result.reason;
    if (result.response) {
      out.httpStatus = result.response.status;
      out.contentType = result.response.headers.get('content-type');
      try {
        out.body = await result.response.text();
      } catch {
        out.body = null; // already read by the audit
      }
    }
  }
  return out;
}

try {
  const results = await auditServer({ url, fetchFn: withToken });
  const described = await Promise.all(results.map(describe));
  process.stdout.write(JSON.stringify(described, null, 2) + '\n');
  const bad = described.filter((r) => r.status === 'error' || r.status === 'warn');
  process.exit(bad.length ? 1 : 0);
} catch (err) {
  console.error(`audit failed: ${err && err.stack ? err.stack : err}`);
  process.exit(2);
}
