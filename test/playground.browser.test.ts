import "reflect-metadata";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../src/app";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/logger";
import { TEST_DB } from "./helpers/db";

/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core,
 * against the real server (startApp) on a fresh SQLite file with the demo data.
 * Every request to anything but the server is blocked (and recorded): the page
 * must work on an air-gapped network. Runs once, in the sqlite project.
 *
 * Locally it is skipped when /usr/bin/chromium is missing; under CI=true it must
 * run (.ci/run installs chromium with apt-get).
 */
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = resolve(__dirname, "..", "test-results", "playground.png");
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === "true";

if (TEST_DB !== "sqlite") console.log("playground.browser.test.ts: runs in the sqlite project only (one browser run is enough)");
else if (!haveChromium && !inCi) console.log(`playground.browser.test.ts SKIPPED: ${CHROMIUM} not found (apt-get install chromium); it always runs under CI=true`);

describe.runIf(TEST_DB === "sqlite" && (haveChromium || inCi))("playground in headless Chromium", () => {
  let app: RunningApp;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let dir: string;
  const blocked: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs it with apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), "ap-playground-"));
    const config = { ...loadConfig({ NODE_ENV: "test" }), databaseUrl: `sqlite:${join(dir, "planning.sqlite")}`, port: 0, host: "127.0.0.1", seedDemo: true };
    expect(config.playground).toBe(true);
    app = await startApp(config, createLogger("silent"));
    origin = new URL(app.url).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith("data:")) return route.continue();
      blocked.push(url);
      return route.abort("blockedbyclient");
    });
    page = await context.newPage();
    page.on("console", (msg) => {
      if (msg.type() === "error" || /Content Security Policy/i.test(msg.text())) problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The whole text of the response pane (CodeMirror renders only the visible lines). */
  const responseText = () =>
    page.evaluate(() => {
      const cm = document.querySelector(".graphiql-response .CodeMirror") as (Element & { CodeMirror?: { getValue(): string } }) | null;
      return cm?.CodeMirror?.getValue() ?? "";
    });

  const run = async () => {
    await page.locator(".graphiql-execute-button").click();
  };

  it("loads GraphiQL from the server alone, with the schema (docs explorer) before any token", async () => {
    const res = await page.goto(`${origin}/playground`, { waitUntil: "load" });
    expect(res?.status()).toBe(200);
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
    // The Examples plugin is open and lists examples.graphql.
    await expect.poll(() => page.locator("button[data-example]").count(), { timeout: 15_000 }).toBeGreaterThan(10);
    await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
    await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).first().waitFor({ timeout: 15_000 });
    await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).first().click();
    await page.locator(".graphiql-doc-explorer").getByText("businessPlans", { exact: true }).first().waitFor();
    await page.getByRole("button", { name: "Show Examples" }).click();
    await page.locator("button[data-example='AccountView']").waitFor();
  });

  it("without a token the query is refused (UNAUTHENTICATED) in the result pane", async () => {
    await page.locator("button[data-example='AccountView']").click();
    const query = await page.evaluate(() => (document.querySelector(".graphiql-query-editor .CodeMirror") as any).CodeMirror.getValue());
    expect(query).toContain("query AccountView($id: ID!, $period: ID)");
    await run();
    await expect.poll(responseText, { timeout: 15_000 }).toContain("UNAUTHENTICATED");
  });

  it("with the demo token in the headers editor, AccountView shows the Globex plans", async () => {
    // Variables for the demo Globex account came with the example.
    await page.locator(".graphiql-editor-tools").getByRole("button", { name: "Variables", exact: true }).click();
    const variables = await page.evaluate(() => (document.querySelector(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror") as any).CodeMirror.getValue());
    expect(JSON.parse(variables)).toEqual({ id: "1", period: "6" });
    // The user pastes the header into the headers editor.
    await page.locator(".graphiql-editor-tools").getByRole("button", { name: "Headers", exact: true }).click();
    const headers = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror");
    await headers.click();
    await page.keyboard.insertText('{"Authorization": "Bearer demo-giulia"}');
    await run();
    await page.locator(".graphiql-response").getByText("Globex FY2026 Account Plan").first().waitFor({ timeout: 15_000 });
    const result = JSON.parse(await responseText());
    expect(result.errors).toBeUndefined();
    expect(result.data.account.name).toBe("Globex Industries");
    const names = result.data.account.businessPlans.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(["Globex FY2026 Account Plan", "Globex FY2026 Specialty Sensors"]));
    expect(result.data.account.businessPlans[0].children.map((c: { name: string }) => c.name)).toContain("Globex Q1 FY2026");

    mkdirSync(resolve(SCREENSHOT, ".."), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it("GET /graphql from the browser is the same playground", async () => {
    const res = await page.goto(`${origin}/graphql`, { waitUntil: "load" });
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
  });

  it("asked for nothing outside the server, and broke no CSP rule", () => {
    expect(blocked).toEqual([]);
    expect(problems.filter((p) => !/401 \(Unauthorized\)/.test(p))).toEqual([]);
  });
});
