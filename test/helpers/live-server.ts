import "reflect-metadata";
import { Writable } from "node:stream";
import { type RunningApp, startApp } from "../../src/app";
import { type AppConfig, loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import { freshDatabaseUrl } from "./db";

export interface LiveApp {
  app: RunningApp;
  config: AppConfig;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Raw log output (one JSON object per line). */
  logText(): string;
  /** Parsed log lines. */
  logs(): Array<Record<string, any>>;
  close(): Promise<void>;
}

/**
 * The real HTTP server (startApp) on port 0 over a fresh database of the
 * project's dialect, with the app's own logger writing into memory.
 */
export async function startLiveApp(opts: { env?: Record<string, string>; seed?: boolean; logLevel?: string; databaseUrl?: string } = {}): Promise<LiveApp> {
  const fresh = opts.databaseUrl ? { url: opts.databaseUrl, drop: async () => {} } : await freshDatabaseUrl();
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: "test", ...opts.env }),
    databaseUrl: fresh.url,
    port: 0,
    host: "127.0.0.1",
    seedDemo: opts.seed ?? true,
    logLevel: opts.logLevel ?? "info",
  };
  let text = "";
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const app = await startApp(config, createLogger(config.logLevel, sink));
  const origin = new URL(app.url).origin;
  return {
    app,
    config,
    origin,
    logText: () => text,
    logs: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    async close() {
      await app.stop();
      await fresh.drop();
    },
  };
}

/** POST /graphql with JSON. */
export async function postGraphql(origin: string, body: unknown, token?: string | null, headers: Record<string, string> = {}) {
  const res = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}
