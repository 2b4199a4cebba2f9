// Opens GraphiQL in Debian's Chromium with every outside address blocked, types a bearer
// token into the Headers editor and a query into the query editor, runs it, and prints
// what happened as JSON (tests/gateway/test_graphiql_browser.py reads it).
//   node graphiql.mjs URL TOKEN QUERY EXPECTED [SCREENSHOT]
import { chromium } from "playwright-core";

const [url, token, query, expected, screenshot] = process.argv.slice(2);
const local = (address) => {
  const { protocol, hostname } = new URL(address);
  return protocol === "data:" || hostname === "127.0.0.1";
};
const report = { requests: [], blocked: [], errors: [], loaded: false, result: null };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", // root on CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // the network itself is closed: any name but the gateway's address resolves to nothing
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  ],
});
try {
  const context = await browser.newContext();
  await context.route("**/*", (route) => {
    const address = route.request().url();
    report.requests.push(address);
    if (local(address)) return route.continue();
    report.blocked.push(address);
    return route.abort("internetdisconnected");
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => report.errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") report.errors.push(message.text());
  });
  await page.goto(url, { waitUntil: "load", timeout: 30000 });
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 30000 });
  report.loaded = true;

  // the Headers editor is open: type the token as a person would
  const headers = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror");
  await headers.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
  const editor = page.locator(".graphiql-query-editor .CodeMirror");
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(query);
  await page.locator(".graphiql-execute-button").click();
  await page.waitForFunction(
    (text) => {
      const result = document.querySelector(".result-window .CodeMirror");
      return result && result.CodeMirror && result.CodeMirror.getValue().includes(text);
    },
    expected,
    { timeout: 30000 },
  );
  report.result = await page.evaluate(
    () => document.querySelector(".result-window .CodeMirror").CodeMirror.getValue(),
  );
  if (screenshot) await page.screenshot({ path: screenshot });
} catch (error) {
  report.errors.push(`driver: ${error}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
