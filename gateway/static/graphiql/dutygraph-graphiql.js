// dutygraph's GraphiQL: everything served by the gateway itself (no CDN), see gateway/graphiql.py.
(function () {
  "use strict";
  var url = window.location.href.split("#")[0].split("?")[0];
  var EXAMPLE = [
    "# dutygraph GraphiQL — 党建责任平台",
    "#",
    "# 1. 在终端获取令牌：  .venv/bin/dutygraph token admin",
    "# 2. 在下方 Headers 面板填入：",
    '#      {"Authorization": "Bearer <令牌>"}',
    "# 3. 按 Ctrl-Enter（或上方 ▶）运行。",
    "",
    "{",
    "  viewer { username permissions }",
    '  organization(code: "330106") {',
    "    name",
    "    children(first: 5) { totalCount edges { node { code name } } }",
    "  }",
    "}",
    "",
  ].join("\n");
  var fetcher = GraphiQL.createFetcher({ url: url });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: EXAMPLE,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    })
  );
})();
