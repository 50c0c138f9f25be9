import "reflect-metadata";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_DB } from "./helpers/db";
import { postGql, type ServerProcess, startServerProcess } from "./helpers/server";
import { gid } from "./helpers/ids";

/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core,
 * against the real server started as `npm start` starts it (the compiled
 * dist/src/main.js with a developer machine's defaults, on a fresh SQLite file
 * with the demo data). The first tests follow the README's quick start
 * literally: take the playground URL and the token from the start-up banner,
 * open the page in a fresh browser, paste the token into Headers, press Run.
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
  let server: ServerProcess;
  let playgroundUrl: string;
  let giuliaToken: string;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  const blocked: string[] = [];
  const problems: string[] = [];

  /** A fresh browser profile (no stored GraphiQL tabs), every request outside the server blocked. */
  async function freshPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith("data:")) return route.continue();
      blocked.push(url);
      return route.abort("blockedbyclient");
    });
    const p = await context.newPage();
    p.on("console", (msg) => {
      if (msg.type() === "error" || /Content Security Policy/i.test(msg.text())) problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    p.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    return p;
  }

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs it with apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), "ap-playground-"));
    // What `npm start` runs, with the defaults of a developer's machine (no NODE_ENV: development).
    server = await startServerProcess({ NODE_ENV: "development", LOG_LEVEL: "silent", DATABASE_URL: `sqlite:${join(dir, "planning.sqlite")}` });
    // The banner is written right after the server starts listening: wait for its last line.
    await vi.waitFor(() => expect(server.output()).toMatch(/Demo users[^\n]*\n(?:.*\n)*.*demo-alan/), { timeout: 30_000, interval: 50 });
    const banner = server.output();
    playgroundUrl = /^Playground \(open in a browser\): (\S+)$/m.exec(banner)?.[1] ?? "";
    giuliaToken = /^\s+Giulia Rossi.*\s(\S+)$/m.exec(banner)?.[1] ?? "";
    origin = server.origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = await freshPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The whole text of the response pane (CodeMirror renders only the visible lines). */
  const responseText = () =>
    page.evaluate(() => {
      const cm = document.querySelector(".graphiql-response .CodeMirror") as (Element & { CodeMirror?: { getValue(): string } }) | null;
      return cm?.CodeMirror?.getValue() ?? "";
    });
  const queryText = () => page.evaluate(() => (document.querySelector(".graphiql-query-editor .CodeMirror") as any).CodeMirror.getValue() as string);
  /** Opens one of the editor tools (Variables, Headers) and returns its CodeMirror's text. */
  const toolText = async (tool: "Variables" | "Headers") => {
    await page.locator(".graphiql-editor-tools").getByRole("button", { name: tool, exact: true }).click();
    return page.evaluate(() => (document.querySelector(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror") as any).CodeMirror.getValue() as string);
  };
  const run = async () => {
    await page.locator(".graphiql-execute-button").click();
  };

  it("npm start prints the playground URL and the demo tokens the README names", () => {
    expect(playgroundUrl).toBe(`${origin}/playground`);
    expect(giuliaToken).toBe("demo-giulia");
  });

  it("README step 1: a fresh browser opens the playground on AccountView with its variables filled", async () => {
    const res = await page.goto(playgroundUrl, { waitUntil: "load" });
    expect(res?.status()).toBe(200);
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
    await expect.poll(queryText, { timeout: 15_000 }).toContain("query AccountView($id: ID!, $period: ID)");
    // Nothing clicked: the variables came with the first tab.
    expect(JSON.parse(await toolText("Variables"))).toEqual({ id: gid("Account", 1), period: gid("Period", 6) });
    expect(await toolText("Headers")).toBe("");
  });

  it("README steps 2-3: paste the token into Headers, press Run: AccountView shows the Globex plans", async () => {
    await page.locator(".graphiql-editor-tools").getByRole("button", { name: "Headers", exact: true }).click();
    await page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").click();
    await page.keyboard.insertText(`{"Authorization": "Bearer ${giuliaToken}"}`);
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

  it("a returning browser keeps its own tabs (the stored query is not replaced by the example)", async () => {
    const edited = "query Mine { __typename }";
    await page.evaluate((q) => (document.querySelector(".graphiql-query-editor .CodeMirror") as any).CodeMirror.setValue(q), edited);
    // GraphiQL stores the tab state on a debounce: wait until it holds the edit.
    await expect.poll(() => page.evaluate(() => window.localStorage.getItem("graphiql:tabState") ?? ""), { timeout: 15_000 }).toContain("query Mine");
    await page.reload({ waitUntil: "load" });
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
    await expect.poll(queryText, { timeout: 15_000 }).toBe(edited);
  });

  it("the docs explorer shows the schema before any token, and Examples load an operation with its variables", async () => {
    page = await freshPage();
    await page.goto(playgroundUrl, { waitUntil: "load" });
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator("button[data-example]").count(), { timeout: 15_000 }).toBeGreaterThan(10);
    await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
    await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).first().waitFor({ timeout: 15_000 });
    await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).first().click();
    await page.locator(".graphiql-doc-explorer").getByText("businessPlans", { exact: true }).first().waitFor();
    await page.getByRole("button", { name: "Show Examples" }).click();
    const other = page.locator("button[data-example]").nth(1);
    const name = await other.getAttribute("data-example");
    expect(name).not.toBe("AccountView");
    await other.click();
    await expect.poll(queryText, { timeout: 15_000 }).toContain(` ${name}`);
  });

  it("without a token the query is refused (UNAUTHENTICATED) in the result pane", async () => {
    await page.locator("button[data-example='AccountView']").click();
    await expect.poll(queryText, { timeout: 15_000 }).toContain("query AccountView($id: ID!, $period: ID)");
    expect(await toolText("Headers")).toBe("");
    await run();
    await expect.poll(responseText, { timeout: 15_000 }).toContain("UNAUTHENTICATED");
  });

  it("GET /graphql from the browser is the same playground", async () => {
    const res = await page.goto(`${origin}/graphql`, { waitUntil: "load" });
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
  });

  it("runs a subscription over WebSocket: a plan changed through HTTP appears in the result pane", async () => {
    page = await freshPage();
    await page.goto(playgroundUrl, { waitUntil: "load" });
    await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
    await page.evaluate(
      (q) => (document.querySelector(".graphiql-query-editor .CodeMirror") as any).CodeMirror.setValue(q),
      `subscription Live($a: ID!) { planChanged(accountId: $a) { action plan { id name } } }`,
    );
    await toolText("Variables");
    await page.evaluate((v) => (document.querySelector(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror") as any).CodeMirror.setValue(v), JSON.stringify({ a: gid("Account", 1) }));
    await page.locator(".graphiql-editor-tools").getByRole("button", { name: "Headers", exact: true }).click();
    await page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").click();
    await page.keyboard.insertText(`{"Authorization": "Bearer demo-alan"}`);
    await run();
    // change a Globex plan (as the ADMIN, over HTTP) until the running subscription shows it: the
    // subscription becomes live a moment after Run; each try is a real change, the bound a failure bound
    const plan = gid("BusinessPlan", 8);
    const deadline = Date.now() + 20_000;
    for (let i = 1; ; i++) {
      const r = await postGql(`${origin}/graphql`, "demo-admin", `mutation($id: ID!, $n: String!) { updateBusinessPlan(id: $id, input: { name: $n }) { id } }`, { id: plan, n: `Live ${i}` });
      expect(r.errors).toBeUndefined();
      const text = await responseText();
      if (/"name": "Live \d+"/.test(text)) {
        expect(text).toContain('"action": "UPDATED"');
        expect(text).toContain(plan);
        break;
      }
      if (Date.now() > deadline) throw new Error(`no subscription event in the result pane: ${text}`);
      await expect.poll(responseText, { timeout: 500 }).toMatch(/"name": "Live \d+"/).catch(() => undefined);
    }
  });

  it("asked for nothing outside the server, and broke no CSP rule", () => {
    expect(blocked).toEqual([]);
    expect(problems.filter((p) => !/401 \(Unauthorized\)/.test(p))).toEqual([]);
  });
});
