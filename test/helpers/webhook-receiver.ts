/**
 * A local HTTP receiver for webhook tests: records every POST (headers, raw body, the status it
 * answered) and answers what `respond` says: a status, or "hang" (never answers: the sender's timeout).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface Delivery {
  eventId: string;
  event: string;
  timestamp: string;
  signature: string;
  raw: string;
  body: any;
  status: number | "hang";
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Deliveries answered 2xx. */
  ok(): Delivery[];
  respond: (d: Omit<Delivery, "status">, attempt: number) => number | "hang";
  /** Resolves when `pred` holds (checked on every delivery); rejects after `ms` (a failure bound). */
  until(pred: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** The check a receiver does: X-Signature is sha256=<hex HMAC-SHA256 of the raw body>, compared in constant time. */
export function verifySignature(secret: string, raw: string, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
  const got = Buffer.from(header ?? "");
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const attempts = new Map<string, number>();
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  const r: Receiver = {
    url: "",
    deliveries,
    ok: () => deliveries.filter((d) => typeof d.status === "number" && d.status >= 200 && d.status < 300),
    respond: () => 200,
    until(pred, ms = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pred()) return;
          waiters.delete(check);
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: condition not met within ${ms} ms (${deliveries.length} deliveries)`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const base = {
        eventId: String(req.headers["x-webhook-id"] ?? ""),
        event: String(req.headers["x-webhook-event"] ?? ""),
        timestamp: String(req.headers["x-webhook-timestamp"] ?? ""),
        signature: String(req.headers["x-signature"] ?? ""),
        raw,
        body: JSON.parse(raw),
      };
      const n = (attempts.get(base.eventId) ?? 0) + 1;
      attempts.set(base.eventId, n);
      const status = r.respond(base, n);
      deliveries.push({ ...base, status });
      if (status === "hang") hanging.add(res);
      else res.writeHead(status).end();
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const addr = server.address();
  r.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/hooks`;
  return r;
}
