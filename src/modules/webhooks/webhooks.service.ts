import { randomBytes } from "node:crypto";
import { assertAdmin } from "../../auth/policy";
import { badInput, notFound } from "../../common/errors";
import { toGlobalId } from "../../common/ids";
import { mustFind } from "../../common/find";
import type { Database } from "../../db/data-source";
import type { User } from "../users/user.entity";
import { assertDeliverableUrl } from "./url-guard";
import { WEBHOOK_EVENTS } from "./webhook-events";
import { Webhook } from "./webhook.entity";

/** Transaction-level advisory lock key held while a webhook is created (the cap check). */
const WEBHOOK_CREATE_LOCK_KEY = 727414;

/** Most webhooks a server keeps (Query.webhooks answers all of them). */
export const MAX_WEBHOOKS = 100;

export interface NewWebhook {
  url: string;
  events: string[];
}

export interface WebhookOptions {
  /** WEBHOOK_ALLOW_PRIVATE: accept URLs that resolve to private addresses (tests, closed networks). */
  allowPrivate: boolean;
}

/** ADMIN-managed webhooks (the delivery worker is webhook-worker.ts). */
export class WebhooksService {
  constructor(
    private readonly db: Database,
    readonly options: WebhookOptions = { allowPrivate: false },
  ) {}

  /** Creates a webhook and returns it with its signing secret (shown only here). */
  async create(actor: User, input: NewWebhook): Promise<{ webhook: Webhook; secret: string }> {
    assertAdmin(actor, "manage webhooks");
    const events = [...new Set(input.events)];
    const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
    if (unknown.length) throw badInput("events", `unknown event ${JSON.stringify(unknown[0].slice(0, 64))}; known: ${WEBHOOK_EVENTS.join(", ")}`);
    // DNS is asked before the transaction (a write callback does database work only)
    const url = await assertDeliverableUrl(input.url, this.options.allowPrivate);
    const secret = `whsec_${randomBytes(32).toString("hex")}`;
    const webhook = await this.db.write(async (em) => {
      // PostgreSQL: creations queue here, so concurrent ones cannot all pass the cap below (SQLite's writes are serial)
      if (this.db.dialect === "postgres") await em.query("SELECT pg_advisory_xact_lock($1)", [WEBHOOK_CREATE_LOCK_KEY]);
      if ((await em.count(Webhook)) >= MAX_WEBHOOKS) throw badInput("url", `at most ${MAX_WEBHOOKS} webhooks; delete one first`);
      return em.save(
        em.create(Webhook, {
          url: url.toString(),
          eventFilter: events.length ? `,${events.join(",")},` : "",
          secret,
          createdAt: new Date(),
          createdById: actor.id,
          failedDeliveries: 0,
        }),
      );
    });
    return { webhook, secret };
  }

  /** Deletes a webhook and its pending deliveries; answers its id. */
  async delete(actor: User, rawId: string): Promise<string> {
    assertAdmin(actor, "manage webhooks");
    return this.db.write(async (em) => {
      const w = await mustFind(em, Webhook, rawId, "Webhook");
      // a concurrent delete of the same webhook may have committed since the read: then this one deleted nothing
      const res = await em.delete(Webhook, { id: w.id });
      if (res.affected === 0) throw notFound("Webhook", rawId);
      return toGlobalId("Webhook", w.id);
    });
  }

  async list(actor: User): Promise<Webhook[]> {
    assertAdmin(actor, "manage webhooks");
    return this.db.manager.find(Webhook, { order: { id: "ASC" }, take: MAX_WEBHOOKS });
  }
}
