/**
 * The frontend teams' clients against the real server (docs/frontend.md): Apollo Client's
 * normalized cache over the examples, relay-compiler and relay-runtime's store, and GraphQL Code
 * Generator's types. Each part also shows that its check would see the problem it guards against.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseExamples } from "../src/graphql/examples";
import { fromGlobalId, gid, keyOf } from "./helpers/ids";
import { startTestServer, type TestServer } from "./helpers/server";

const ROOT = resolve(__dirname, "..");
const SCHEMA = join(ROOT, "schema.graphql");
const EXAMPLES = parseExamples(readFileSync(join(ROOT, "examples.graphql"), "utf8"));
const SCALARS = { Date: "string", DateTime: "string", Decimal: "string" } as const;
const AS_GIULIA = { authorization: "Bearer demo-giulia" };

let server: TestServer;
let work: string;
beforeAll(async () => {
  server = await startTestServer({ seed: true });
  // inside the checkout, so that generated code resolves relay-runtime and friends from node_modules
  work = mkdtempSync(join(ROOT, "node_modules", ".clients-test-"));
});
afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** fetch that counts the requests it sends. */
function countingFetch() {
  const sent: string[] = [];
  const f = (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push(typeof init?.body === "string" ? (JSON.parse(init.body).operationName ?? "?") : "?");
    return fetch(input, init);
  };
  return { fetch: f as typeof fetch, sent };
}

/** Console warnings and errors while `run` runs (Apollo Client reports cache problems there). */
async function consoleWarnings(run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const warn = vi.spyOn(console, "warn").mockImplementation((...a: unknown[]) => void seen.push(a.map(String).join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void seen.push(a.map(String).join(" ")));
  try {
    await run();
  } finally {
    warn.mockRestore();
    error.mockRestore();
  }
  return seen;
}

describe("Apollo Client 3.14 (InMemoryCache, no typePolicies)", () => {
  const client = async (headers: Record<string, string>) => {
    const { ApolloClient, HttpLink, InMemoryCache } = await import("@apollo/client/core");
    // the full text of Apollo's warnings (by default only a link to them)
    const dev = await import("@apollo/client/dev");
    dev.loadDevMessages();
    dev.loadErrorMessages();
    const counting = countingFetch();
    const c = new ApolloClient({ link: new HttpLink({ uri: server.url, fetch: counting.fetch, headers }), cache: new InMemoryCache() });
    return { c, sent: counting.sent };
  };

  it("runs every example operation in file order with no cache warning", async () => {
    const { gql } = await import("@apollo/client/core");
    const clients = new Map<string, Awaited<ReturnType<typeof client>>["c"]>();
    const warnings = await consoleWarnings(async () => {
      for (const e of EXAMPLES) {
        let c = clients.get(e.as!);
        if (!c) clients.set(e.as!, (c = (await client({ authorization: `Bearer ${e.as}` })).c));
        const doc = gql(e.source);
        const r = e.kind === "mutation" ? await c.mutate({ mutation: doc, variables: e.variables }) : await c.query({ query: doc, variables: e.variables });
        expect(r.errors ?? [], e.name).toEqual([]);
        expect(r.data, e.name).toBeTruthy();
      }
    });
    expect(warnings).toEqual([]);
  });

  it("a mutation's answer updates the cached account view: no refetch, the new name is read from the cache", async () => {
    const { gql } = await import("@apollo/client/core");
    const view = EXAMPLES.find((e) => e.name === "AccountView")!;
    const { c: marco, sent } = await client({ authorization: "Bearer demo-marco" });
    const before = await marco.query({ query: gql(view.source), variables: view.variables });
    const specialty = before.data.account.businessPlans.find((p: any) => p.id === gid("BusinessPlan", 8));
    expect(specialty.name).toBe("Globex FY2026 Specialty Sensors");
    const warnings = await consoleWarnings(async () => {
      await marco.mutate({
        mutation: gql`mutation Rename($id: ID!) { updateBusinessPlan(id: $id, input: { name: "Specialty Sensors (renamed)" }) { id name version } }`,
        variables: { id: gid("BusinessPlan", 8) },
      });
    });
    expect(warnings).toEqual([]);
    const after = marco.readQuery({ query: gql(view.source), variables: view.variables });
    expect(after.account.businessPlans.find((p: any) => p.id === gid("BusinessPlan", 8)).name).toBe("Specialty Sensors (renamed)");
    const again = await marco.query({ query: gql(view.source), variables: view.variables, fetchPolicy: "cache-first" });
    expect(again.data.account.businessPlans.find((p: any) => p.id === gid("BusinessPlan", 8)).name).toBe("Specialty Sensors (renamed)");
    expect(sent).toEqual(["AccountView", "Rename"]);
  });

  it("the check sees the problem: computed objects read without their id make the cache warn", async () => {
    const { gql } = await import("@apollo/client/core");
    const { c } = await client(AS_GIULIA);
    const warnings = await consoleWarnings(async () => {
      await c.query({ query: gql`query A { businessPlan(id: "${gid("BusinessPlan", 1)}") { id rollup { wonRevenue } } }` });
      await c.query({ query: gql`query B { businessPlan(id: "${gid("BusinessPlan", 1)}") { id rollup { pipelineRevenue } } }` });
    });
    // Apollo logs a format string ("replacing the %s field of a %s object") and its arguments
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Cache data may be lost when replacing the %s field of a %s object/);
    expect(warnings[0]).toMatch(/ rollup BusinessPlan /);
  });
});

describe("Relay 21 (relay-compiler, relay-runtime)", () => {
  const ACCOUNT_VIEW = EXAMPLES.find((e) => e.name === "AccountView")!;
  const relaySources = {
    "AccountView.ts": `import { graphql } from "relay-runtime";
export const query = graphql\`${ACCOUNT_VIEW.source.replace(/^#.*\n/gm, "").replace("query AccountView", "query AccountViewQuery")}\`;`,
    "Accounts.ts": `import { graphql } from "relay-runtime";
export const list = graphql\`
  fragment Accounts_query on Query @refetchable(queryName: "AccountsPaginationQuery")
    @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    accounts(first: $count, after: $cursor) @connection(key: "Accounts_accounts") { edges { node { id name } } }
  }\`;
export const plan = graphql\`
  fragment Accounts_plan on BusinessPlan @refetchable(queryName: "PlanRefetchQuery") {
    id name status version rollup { id wonRevenue attainment } ancestors { id rollup { id wonRevenue } }
  }\`;
export const byId = graphql\`
  query AccountsNodeQuery($id: ID!) { node(id: $id) { id __typename ...Accounts_plan @alias } }\`;`,
  };

  /** relay-compiler over `sources` in a fresh project `dir`; artifacts in src/__generated__. */
  const compile = (dir: string, sources: Record<string, string>, language: "typescript" | "javascript" = "typescript") => {
    mkdirSync(join(dir, "src", "__generated__"), { recursive: true });
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, "src", name), text);
    // JavaScript artifacts are ES modules (`export default`)
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "relay.config.json"),
      JSON.stringify({
        src: "./src",
        schema: SCHEMA,
        language,
        artifactDirectory: "./src/__generated__",
        // the default excludes node_modules, where this test works (for module resolution)
        excludes: ["**/__generated__/**"],
        customScalarTypes: SCALARS,
      }),
    );
    const bin = join(ROOT, "node_modules", "relay-compiler", "cli.js");
    return spawnSync(process.execPath, [bin], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  };

  it("relay-compiler compiles @refetchable fragments, @connection on accounts and node(id:)", () => {
    const dir = join(work, "relay-ok");
    const r = compile(dir, relaySources);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const generated = readFileSync(join(dir, "src", "__generated__", "AccountsPaginationQuery.graphql.ts"), "utf8");
    expect(generated).toContain("accounts");
    expect(readFileSync(join(dir, "src", "__generated__", "PlanRefetchQuery.graphql.ts"), "utf8")).toMatch(/node\(id: \$id\)/);
  });

  it("the check sees the problem: @refetchable on a type that is not a Node is rejected", () => {
    const r = compile(join(work, "relay-bad"), {
      "Bad.ts": `import { graphql } from "relay-runtime";
export const f = graphql\`fragment Bad_rollup on PlanRollup @refetchable(queryName: "BadRefetchQuery") { wonRevenue }\`;`,
    });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/refetchable/i);
  });

  it("relay-runtime's store reads the account view back identical to the server's answer", async () => {
    const dir = join(work, "relay-js");
    const compiled = compile(dir, { "AccountView.js": relaySources["AccountView.ts"] }, "javascript");
    expect(compiled.status, `${compiled.stdout}\n${compiled.stderr}`).toBe(0);
    const { Environment, Network, RecordSource, Store, createOperationDescriptor, fetchQuery } = await import("relay-runtime");
    const artifact = (await import(join(dir, "src", "__generated__", "AccountViewQuery.graphql.js"))).default;
    const post = async (text: string, variables: Record<string, unknown>) =>
      (await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...AS_GIULIA }, body: JSON.stringify({ query: text, variables }) })).json();
    const warnings: string[] = [];
    const env = new Environment({
      network: Network.create((params, variables) => post(params.text!, variables)),
      store: new Store(new RecordSource()),
      log: (event: { name: string }) => void (event.name.includes("warning") && warnings.push(event.name)),
    });
    const variables = ACCOUNT_VIEW.variables;
    // relay-runtime warns on the console (in development) when two records share an id with different types
    const consoleSaid = await consoleWarnings(async () => void (await fetchQuery(env, artifact, variables).toPromise()));
    expect(consoleSaid).toEqual([]);
    const read = env.lookup(createOperationDescriptor(artifact, variables).fragment).data;
    const answer = (await post(artifact.params.text, variables)).data;
    expect(read).toEqual(answer);
    expect(answer.account.name).toBe("Globex Industries");
    expect(answer.account.businessPlans.length).toBeGreaterThan(1);
    expect(warnings).toEqual([]);

    // the check sees the problem: the same answer with the old ids (small numbers shared across
    // types) makes the store merge records of different types, warn, and read back something else
    // (and computed objects without an id, as before)
    const oldIds = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(oldIds);
      if (!v || typeof v !== "object") return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k !== "id") out[k] = oldIds(x);
        else if (fromGlobalId(x)) out[k] = String(keyOf(x as string));
      }
      return out;
    };
    const legacy = new Environment({ network: Network.create(async () => ({ data: oldIds(answer) as any })), store: new Store(new RecordSource()) });
    const legacySaid = await consoleWarnings(async () => void (await fetchQuery(legacy, artifact, variables).toPromise()));
    expect(legacySaid.join("\n")).toMatch(/conflicting types/);
    expect(legacy.lookup(createOperationDescriptor(artifact, variables).fragment).data).not.toEqual(oldIds(answer));
  });
});

describe("GraphQL Code Generator 7 (typescript-operations)", () => {
  const generateTypes = async (scalars: Record<string, string> | undefined) => {
    // @graphql-codegen/core is what the CLI runs (without its URL/GitHub loaders, which need Node 22)
    const { codegen } = await import("@graphql-codegen/core");
    const { parse } = await import("graphql");
    const operations = await import("@graphql-codegen/typescript-operations");
    const out = join(work, `types-${scalars ? "mapped" : "bare"}.ts`);
    const examples = join(ROOT, "examples.graphql");
    const output = await codegen({
      filename: out,
      schema: parse(readFileSync(SCHEMA, "utf8")),
      documents: [{ location: examples, document: parse(readFileSync(examples, "utf8")) }],
      plugins: [{ "typescript-operations": {} }],
      pluginMap: { "typescript-operations": operations },
      config: { strictScalars: true, ...(scalars ? { scalars } : {}) },
    });
    writeFileSync(out, output);
    return out;
  };

  it("produces types for every example that compile (strict) with the scalars mapped to string", async () => {
    const types = await generateTypes(SCALARS);
    const use = join(work, "use-types.ts");
    writeFileSync(
      use,
      `import type { AccountViewQuery, CreateAnnualPlanMutationVariables } from "./${types.split("/").at(-1)!.replace(/\.ts$/, "")}";
const money = "12.30";
const vars: CreateAnnualPlanMutationVariables = { input: { name: "x", accountId: "QWNjb3VudDox", periodId: "UGVyaW9kOjY", revenueTarget: money } };
type Plan = NonNullable<AccountViewQuery["account"]>["businessPlans"][number];
const target = (p: Plan): string | null | undefined => p.revenueTarget;
const rollupId = (p: Plan): string => p.rollup.id;
export { vars, target, rollupId };
`,
    );
    const ts = await import("typescript");
    const program = ts.createProgram([types, use], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
    const text = readFileSync(types, "utf8");
    expect(text).toMatch(/wonRevenue: string/); // Decimal
    expect(text).toMatch(/dueAt: string \| null/); // DateTime
    expect(text).not.toMatch(/\bany\b/);
    expect(text).toContain("/** What a user may do"); // the schema's descriptions come along
  });

  it("the check sees the problem: without the scalar mapping, strict generation refuses the schema", async () => {
    await expect(generateTypes(undefined)).rejects.toThrow(/Date|Decimal|scalar/i);
  });
});

describe("how errors arrive in each client (docs/frontend.md)", () => {
  const NOT_FOUND_QUERY = `mutation Gone($id: ID!) { updateAccount(id: $id, input: { name: "x" }) { id } }`;
  const vars = () => ({ id: gid("Account", 999_999) });

  it("Apollo Client: a code of HTTP 200 in graphQLErrors; 401 and 400 as networkError with the codes in result.errors", async () => {
    const { ApolloClient, HttpLink, InMemoryCache, gql } = await import("@apollo/client/core");
    const make = (headers: Record<string, string>) => new ApolloClient({ link: new HttpLink({ uri: server.url, headers }), cache: new InMemoryCache() });
    const notFound = await make(AS_GIULIA).mutate({ mutation: gql(NOT_FOUND_QUERY), variables: vars() }).catch((e) => e);
    expect(notFound.graphQLErrors.map((e: any) => e.extensions.code)).toEqual(["NOT_FOUND"]);
    expect(notFound.networkError).toBeNull();
    const anonymous = await make({}).query({ query: gql`query Me { me { id } }` }).catch((e) => e);
    expect(anonymous.networkError.statusCode).toBe(401);
    expect(anonymous.networkError.result.errors.map((e: any) => e.extensions.code)).toEqual(["UNAUTHENTICATED"]);
    const invalid = await make(AS_GIULIA).query({ query: gql`query Bad { me { nope } }` }).catch((e) => e);
    expect(invalid.networkError.statusCode).toBe(400);
    expect(invalid.networkError.result.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("urql 6: queries go as GET and meet the CSRF guard (400) unless the header is sent or POST preferred; codes in error.graphQLErrors", async () => {
    const { Client, fetchExchange, gql } = await import("@urql/core");
    const make = (fetchOptions: RequestInit, extra: Record<string, unknown> = {}) =>
      new Client({ url: server.url, exchanges: [fetchExchange], fetchOptions, requestPolicy: "network-only", ...extra });
    const methods: string[] = [];
    const spying: typeof fetch = (input, init) => {
      methods.push(init?.method ?? "GET");
      return fetch(input, init);
    };
    const ME = gql`query Me { me { id } }`;
    const blocked = await make({ headers: AS_GIULIA }, { fetch: spying }).query(ME, {}).toPromise();
    expect(methods).toEqual(["GET"]);
    expect(blocked.data).toBeUndefined();
    expect(blocked.error?.response?.status).toBe(400);
    expect(blocked.error?.message).toMatch(/Cross-Site Request Forgery/);
    const withHeader = await make({ headers: { ...AS_GIULIA, "apollo-require-preflight": "true" } }).query(ME, {}).toPromise();
    expect(withHeader.data?.me.id).toBe(gid("User", 2));
    const post = await make({ headers: AS_GIULIA }, { preferGetMethod: false }).query(ME, {}).toPromise();
    expect(post.data?.me.id).toBe(gid("User", 2));
    const notFound = await make({ headers: AS_GIULIA }).mutation(gql(NOT_FOUND_QUERY), vars()).toPromise();
    expect(notFound.error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(["NOT_FOUND"]);
    const anonymous = await make({}, { preferGetMethod: false }).query(ME, {}).toPromise();
    expect(anonymous.error?.response?.status).toBe(401);
    expect(anonymous.error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(["UNAUTHENTICATED"]);
  });

  it("graphql-request 7: a ClientError with response.errors and response.status, for 200, 401 and 400 alike", async () => {
    const { GraphQLClient } = await import("graphql-request");
    const notFound = await new GraphQLClient(server.url, { headers: AS_GIULIA }).request(NOT_FOUND_QUERY, vars()).catch((e) => e);
    expect(notFound.constructor.name).toBe("ClientError");
    expect(notFound.response.status).toBe(200);
    expect(notFound.response.errors.map((e: any) => e.extensions.code)).toEqual(["NOT_FOUND"]);
    const anonymous = await new GraphQLClient(server.url).request(`{ me { id } }`).catch((e) => e);
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.response.errors.map((e: any) => e.extensions.code)).toEqual(["UNAUTHENTICATED"]);
  });
});
