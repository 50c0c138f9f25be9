/**
 * Preloaded into a child server by test/idempotency-processes.test.ts (NODE_OPTIONS=--require ...):
 * when the server is about to write the answer to a request whose Idempotency-Key header equals
 * KILL_BEFORE_RESPONSE_KEY, it prints "[hook] killing before response" on stderr and kills its own
 * process with SIGKILL: the request's transaction has committed, the client never gets the answer.
 * That is a crash between the effect and the response, at a deterministic point.
 * Nothing in the server's own code knows about this file.
 */
const http = require("node:http");

const key = process.env.KILL_BEFORE_RESPONSE_KEY;
if (key) {
  const end = http.ServerResponse.prototype.end;
  const write = http.ServerResponse.prototype.write;
  const maybeKill = (res) => {
    if (res.req && res.req.headers["idempotency-key"] === key) {
      process.stderr.write("[hook] killing before response\n");
      process.kill(process.pid, "SIGKILL");
    }
  };
  http.ServerResponse.prototype.write = function (...args) {
    maybeKill(this);
    return write.apply(this, args);
  };
  http.ServerResponse.prototype.end = function (...args) {
    maybeKill(this);
    return end.apply(this, args);
  };
}
