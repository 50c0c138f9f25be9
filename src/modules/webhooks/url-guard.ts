import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { badInput } from "../../common/errors";

/**
 * SSRF guard for webhook URLs: a receiver must be a public address. Refused (unless
 * WEBHOOK_ALLOW_PRIVATE=true): loopback, link-local (cloud metadata at 169.254.169.254), private
 * (RFC 1918, unique local), CGNAT, unspecified, multicast and reserved ranges. Checked when the webhook
 * is created and again at every delivery, on the address the connection actually uses (the lookup
 * below), so a DNS answer that changes after creation cannot reach an internal service.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** True for an address no webhook may reach (IPv4-mapped IPv6 addresses are judged by their IPv4 part). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], "ipv4");
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) return blocked.check(address, "ipv6");
  return true;
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
}

export const MAX_WEBHOOK_URL = 2048;

/** Checks a webhook URL at creation: http(s), no credentials, a host that resolves only to public addresses. BAD_USER_INPUT otherwise. */
export async function assertDeliverableUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  if (raw.length > MAX_WEBHOOK_URL) throw badInput("url", `at most ${MAX_WEBHOOK_URL} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput("url", "not an absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badInput("url", "must be http:// or https://");
  if (url.username || url.password) throw badInput("url", "must not contain credentials");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch {
    throw badInput("url", `the host ${host.slice(0, 100)} does not resolve`);
  }
  if (!addresses.length) throw badInput("url", `the host ${host.slice(0, 100)} does not resolve`);
  if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
    throw badInput("url", "resolves to a loopback, link-local or private address; webhooks must reach a public address");
  }
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses private addresses (unless allowed): the check and the connection use the same answer. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) return callback(err, "");
      const bad = !allowPrivate && addresses.some((a) => isPrivateAddress(a.address));
      if (bad || !addresses.length) {
        const e = new Error(`${hostname} resolves to a private address: refused`) as NodeJS.ErrnoException;
        e.code = "EPRIVATEADDRESS";
        return callback(e, "");
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
