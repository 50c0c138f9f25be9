/**
 * Preloaded into a child server by the shutdown tests (NODE_OPTIONS=--require ...):
 *  - prints "[hook] request received <METHOD> <path>" on stderr when an HTTP request's
 *    headers have been parsed (Node's "request" event, before the body is read), so a
 *    test can wait for its request to be in flight instead of sleeping;
 *  - gives every HTTP server a 10-minute keep-alive timeout, so a shutdown that waited
 *    for idle keep-alive connections to time out would hang (and the test fail) instead
 *    of passing a few seconds late.
 * Nothing in the server's own code knows about this file.
 */
const http = require("node:http");

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (...args) {
  this.keepAliveTimeout = 600_000;
  this.prependListener("request", (req) => {
    process.stderr.write(`[hook] request received ${req.method} ${String(req.url).split("?")[0]}\n`);
  });
  return listen.apply(this, args);
};
