import { dirname, join } from "node:path";
import { type NextFunction, type Request, type Response, Router } from "express";
import type { Example } from "../graphql/examples";
import type { AppLogger } from "../logger";

/**
 * The GraphQL playground: GraphiQL 3 served entirely from this server (the
 * graphiql, react and react-dom npm packages' UMD bundles; no CDN, so it works
 * on an air-gapped network) at GET /playground, and at GET /graphql for a
 * browser (Accept prefers text/html). The operations of examples.graphql are
 * listed in an "Examples" sidebar plugin; the first tab opens with AccountView.
 *
 * The page runs under its own strict Content-Security-Policy: scripts only
 * from 'self' (the bootstrap is a served file, no inline script), requests
 * only to 'self'. Styles allow 'unsafe-inline' because GraphiQL's dialogs
 * inject <style> elements.
 */
export const PLAYGROUND_PATH = "/playground";
const ASSETS = `${PLAYGROUND_PATH}/assets`;

export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** File assets: fixed names only (no path from the request reaches the file system). */
const FILES: Record<string, { path: () => string; type: string }> = {
  "graphiql.min.js": { path: () => join(pkgDir("graphiql"), "graphiql.min.js"), type: "text/javascript; charset=utf-8" },
  "graphiql.min.css": { path: () => join(pkgDir("graphiql"), "graphiql.min.css"), type: "text/css; charset=utf-8" },
  // the graphql-ws client (UMD, global graphqlWs): subscriptions over WebSocket
  "graphql-ws.min.js": { path: () => join(pkgDir("graphql-ws"), "umd", "graphql-ws.min.js"), type: "text/javascript; charset=utf-8" },
  "react.production.min.js": { path: () => join(pkgDir("react"), "umd", "react.production.min.js"), type: "text/javascript; charset=utf-8" },
  "react-dom.production.min.js": {
    path: () => join(pkgDir("react-dom"), "umd", "react-dom.production.min.js"),
    type: "text/javascript; charset=utf-8",
  },
};

const PAGE_CSS = `html, body { height: 100%; margin: 0; }
#graphiql { height: 100vh; }
.playground-examples { padding: var(--px-16, 16px); overflow-y: auto; }
.playground-examples h2 { font-size: var(--font-size-h2, 1.5rem); margin: 0 0 var(--px-12, 12px); }
.playground-examples p { color: hsla(var(--color-neutral), var(--alpha-secondary)); margin: 0 0 var(--px-12, 12px); }
.playground-examples code { font-family: var(--font-family-mono, monospace); }
.playground-examples ol { list-style: none; margin: 0; padding: 0; }
.playground-examples li { margin: 0 0 var(--px-4, 4px); }
.playground-example { display: block; width: 100%; text-align: left; padding: var(--px-8, 8px); border-radius: var(--border-radius-4, 4px); }
.playground-example:hover, .playground-example:focus-visible { background: hsla(var(--color-neutral), var(--alpha-background-light)); }
.playground-example strong { display: block; font-weight: var(--font-weight-medium, 500); }
.playground-example span { display: block; font-size: var(--font-size-caption, 0.8rem); color: hsla(var(--color-neutral), var(--alpha-secondary)); }
.playground-example .playground-kind { display: inline; text-transform: uppercase; margin-right: 0.5em; }
`;

/** The browser side (ES2017, no JSX, no inline script): reads its config from the page's JSON data block. */
const CLIENT_JS = `"use strict";
(function () {
  var config = JSON.parse(document.getElementById("playground-config").textContent);
  var h = React.createElement;
  var examples = config.examples;

  function storedTabs() {
    try { return window.localStorage.getItem("graphiql:tabState"); } catch (e) { return null; }
  }

  function pretty(vars) {
    return vars && Object.keys(vars).length ? JSON.stringify(vars, null, 2) : "";
  }

  function ExamplesIcon() {
    return h("svg", { viewBox: "0 0 24 24", width: "1em", height: "1em", "aria-hidden": "true", fill: "none", stroke: "currentColor", strokeWidth: 1.5 },
      h("path", { d: "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01", strokeLinecap: "round" }));
  }

  function ExamplesContent() {
    var editor = GraphiQL.React.useEditorContext({ nonNull: true });
    function load(example) {
      if (editor.queryEditor) editor.queryEditor.setValue(example.source);
      if (editor.variableEditor) editor.variableEditor.setValue(pretty(example.variables));
    }
    return h("div", { className: "playground-examples" },
      h("h2", null, "Examples"),
      h("p", null, "Operations from examples.graphql: one planning cycle on the demo data. Paste a token in the Headers tab below the editor, e.g. ",
        h("code", null, '{"Authorization": "Bearer demo-giulia"}'),
        " (the comment of each operation says which demo user runs it). Picking an example replaces the current tab's operation and variables; the headers stay."),
      examples.length === 0 ? h("p", null, "examples.graphql was not found next to the server.") : null,
      h("ol", null, examples.map(function (example) {
        return h("li", { key: example.name },
          h("button", { type: "button", className: "graphiql-un-styled playground-example", "data-example": example.name,
              title: "Open " + example.name + " in the editor", onClick: function () { load(example); } },
            h("strong", null, h("span", { className: "playground-kind" }, example.kind), example.name),
            h("span", null, example.title + (example.as ? " (as " + example.as + ")" : ""))));
      })));
  }

  var examplesPlugin = { title: "Examples", icon: ExamplesIcon, content: ExamplesContent };
  var first = examples.filter(function (e) { return e.name === config.defaultExample; })[0] || examples[0];
  var httpFetcher = GraphiQL.createFetcher({ url: config.endpoint });
  var wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.endpoint;

  /** Is the operation that runs a subscription? (the named one, or the only one) */
  function isSubscription(params) {
    var ops = [];
    var re = /(^|[}\\s])(query|mutation|subscription)\\b\\s*([_A-Za-z][_0-9A-Za-z]*)?/g;
    var m;
    while ((m = re.exec(params.query || ""))) ops.push({ kind: m[2], name: m[3] });
    var op = params.operationName ? ops.filter(function (o) { return o.name === params.operationName; })[0] : ops[0];
    return !!op && op.kind === "subscription";
  }

  /**
   * Queries and mutations over HTTP; subscriptions over WebSocket (graphql-ws), one connection per
   * run, with the Headers tab's Authorization as the connection_init payload.
   */
  function fetcher(params, opts) {
    if (!isSubscription(params)) return httpFetcher(params, opts);
    var headers = (opts && opts.headers) || {};
    var authorization = headers.Authorization || headers.authorization;
    return {
      subscribe: function (observer) {
        var client = graphqlWs.createClient({ url: wsUrl, lazy: true, retryAttempts: 0, connectionParams: authorization ? { authorization: authorization } : {} });
        var dispose = client.subscribe({ query: params.query, variables: params.variables, operationName: params.operationName }, {
          next: function (v) { observer.next(v); },
          error: function (e) {
            observer.next(Array.isArray(e) ? { errors: e } : { errors: [{ message: "WebSocket closed" + (e && e.code ? " (" + e.code + (e.reason ? " " + e.reason : "") + ")" : "") }] });
            observer.complete();
          },
          complete: function () { observer.complete(); },
        });
        return { unsubscribe: function () { dispose(); client.dispose(); } };
      },
    };
  }
  var props = {
    fetcher: fetcher,
    plugins: [examplesPlugin],
    visiblePlugin: examplesPlugin,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: true,
    defaultHeaders: "",
  };
  if (first) {
    props.defaultTabs = [{ query: first.source, variables: pretty(first.variables) }];
    // GraphiQL fills a fresh browser's variables editor from the \`variables\` prop only, never from
    // defaultTabs (which sets the tab's query alone): give both while nothing is stored, so the first
    // tab really opens with AccountView and its variables. A returning browser keeps its saved tabs.
    if (!storedTabs()) {
      props.query = first.source;
      props.variables = pretty(first.variables);
    }
  }
  ReactDOM.createRoot(document.getElementById("graphiql")).render(h(GraphiQL, props));
})();
`;

/** JSON for a <script type="application/json"> data block: nothing can close the element. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function page(examples: Example[]): string {
  const config = {
    endpoint: "/graphql",
    defaultExample: "AccountView",
    examples: examples.map(({ name, kind, title, as, variables, source }) => ({ name, kind, title, as, variables, source })),
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Account Planning API: playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS}/graphiql.min.css">
<link rel="stylesheet" href="${ASSETS}/playground.css">
</head>
<body>
<div id="graphiql">Loading the playground...</div>
<noscript>The playground needs JavaScript. The API itself is at POST /graphql.</noscript>
<script type="application/json" id="playground-config">${jsonForHtml(config)}</script>
<script src="${ASSETS}/react.production.min.js"></script>
<script src="${ASSETS}/react-dom.production.min.js"></script>
<script src="${ASSETS}/graphiql.min.js"></script>
<script src="${ASSETS}/graphql-ws.min.js"></script>
<script src="${ASSETS}/playground.js"></script>
</body>
</html>
`;
}

function securityHeaders(res: Response): void {
  res.setHeader("Content-Security-Policy", PLAYGROUND_CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
}

/** A browser navigating to the URL: text/html preferred over JSON. */
export function prefersHtml(req: Request): boolean {
  return req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
}

export interface PlaygroundOptions {
  enabled: boolean;
  examples: Example[] | null;
  logger: AppLogger;
}

/**
 * GET /playground, GET /playground/assets/<file>, and GET /graphql when a
 * browser asks for HTML. Disabled: /playground is 404 and /graphql is left to
 * the API.
 */
export function playgroundRouter({ enabled, examples, logger }: PlaygroundOptions): Router {
  const router = Router();
  if (!enabled) return router;
  if (!examples) logger.warn("examples.graphql not found: the playground starts without examples");
  const html = page(examples ?? []);
  const inline: Record<string, { body: string; type: string }> = {
    "playground.js": { body: CLIENT_JS, type: "text/javascript; charset=utf-8" },
    "playground.css": { body: PAGE_CSS, type: "text/css; charset=utf-8" },
  };

  const sendPage = (_req: Request, res: Response) => {
    securityHeaders(res);
    res.setHeader("Cache-Control", "no-store");
    res.type("html").send(html);
  };

  router.get(PLAYGROUND_PATH, sendPage);
  // A plain middleware, not router.get("/graphql"): a GET route makes the router answer OPTIONS /graphql
  // itself (200 "Allow: GET, HEAD"), which swallowed the CORS preflight before the cors middleware ran.
  router.use((req: Request, res: Response, next: NextFunction) =>
    (req.method === "GET" || req.method === "HEAD") && /^\/graphql\/?$/.test(req.path) && prefersHtml(req) ? sendPage(req, res) : next(),
  );
  router.get(`${ASSETS}/:file`, (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.file);
    securityHeaders(res);
    res.setHeader("Cache-Control", "public, max-age=3600");
    const own = Object.hasOwn(inline, name) ? inline[name] : undefined;
    if (own) return void res.type(own.type).send(own.body);
    const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!file) return next();
    res.sendFile(file.path(), { headers: { "Content-Type": file.type } }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });
  return router;
}
