/**
 * Where webhooks may be sent. By default only to public addresses: a URL whose host is, or resolves
 * to, a loopback, private, link-local or otherwise internal address is refused when the webhook is
 * saved, and again when each delivery connects (the resolved address itself is checked, so a DNS
 * answer that changes in between does not get around it). WEBHOOK_ALLOW_PRIVATE=on lifts this.
 */
import dns from "node:dns";
import net from "node:net";

const internal = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local (cloud metadata services live here)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  internal.addSubnet(prefix, bits, "ipv4");
}
for (const [prefix, bits] of [
  ["::", 128], // unspecified
  ["::1", 128],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
  ["64:ff9b::", 96], // NAT64 of IPv4
] as const) {
  internal.addSubnet(prefix, bits, "ipv6");
}

/** Whether an IP address is one webhooks may not reach unless private addresses are allowed. */
export function isInternalAddress(address: string): boolean {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4mapped) return internal.check(v4mapped[1], "ipv4");
  const family = net.isIP(address);
  if (family === 4) return internal.check(address, "ipv4");
  if (family === 6) return internal.check(address, "ipv6");
  return true;
}

/** The host of a URL as `dns.lookup` and `net.isIP` take it (IPv6 literals without their brackets). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** Why a webhook URL is refused, or null. */
export async function urlRefusal(text: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Not a valid URL.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "The URL must be http or https.";
  if (url.username || url.password) return "The URL may not contain credentials.";
  if (text.length > 2000) return "The URL is too long.";
  if (allowPrivate) return null;
  const host = hostOf(url);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return `The host ${host} could not be resolved.`;
    }
  }
  if (addresses.some(isInternalAddress))
    return (
      "The URL's host is a loopback, private or link-local address. Such addresses are refused unless " +
      "the server runs with WEBHOOK_ALLOW_PRIVATE=on (for development)."
    );
  return null;
}

/** A `lookup` for http.request that refuses to connect to internal addresses. */
export const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "", 0);
    const list = addresses as unknown as dns.LookupAddress[];
    const bad = list.find((a) => isInternalAddress(a.address));
    if (bad) {
      const why = `refused: ${hostname} resolves to an internal address (${bad.address}); WEBHOOK_ALLOW_PRIVATE=on allows it`;
      return callback(new Error(why), "", 0);
    }
    if ((options as dns.LookupOptions).all)
      return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};
