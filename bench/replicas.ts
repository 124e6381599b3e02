/**
 * `npm run bench -- --replica`: the staff page of 100 orders (staff-page-100) served by two servers
 * on one primary, against the same two servers with a streaming replica of it
 * (DATABASE_REPLICA_URLS). Both clusters are private (a primary made for the run, a pg_basebackup of
 * it on another port; needs root, as the stress tests do). The two set-ups take turns (--rounds),
 * each driven with autocannon over both servers at once, half of the connections each; measured:
 * requests/s, latency, and the CPU that each cluster's backends used per request.
 */
import autocannon from "autocannon";
import { startPrivatePostgres, startPrivateReplica, type PrivatePostgres } from "../test/helpers/private-postgres.js";
import { DatabaseCpu, percentile, round2 } from "./measure.js";
import { SCENARIOS, type Fixtures } from "./scenarios.js";
import { projectSide, startSide, stopSide, type NodeBinary, type Running, type Side } from "./sides.js";

export interface ReplicaResult {
  setup: "primary only" | "primary + replica";
  round: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  primaryCpuMsPerRequest: number;
  replicaCpuMsPerRequest: number | null;
}

/** A private primary for `prepare` to seed; then its replica, and the measured rounds. */
export async function replicaClusters(): Promise<{ primary: PrivatePostgres; close(): void }> {
  const primary = await startPrivatePostgres();
  return { primary, close: () => primary.destroy() };
}

export async function runReplicaBench(o: {
  primary: PrivatePostgres;
  fixtures: Fixtures;
  node: NodeBinary;
  rounds: number;
  seconds: number;
  warmup: number;
  connections: number;
  log: (m: string) => void;
}): Promise<ReplicaResult[]> {
  const { log } = o;
  const scenario = SCENARIOS.find((s) => s.name === "staff-page-100")!;
  const replica = await startPrivateReplica(o.primary);
  const primaryCpu = await DatabaseCpu.open(o.primary.url);
  const replicaCpu = await DatabaseCpu.open(replica.url);
  const results: ReplicaResult[] = [];
  const withEnv = (side: Side, env: Record<string, string>): Side => ({
    ...side,
    command: (databaseUrl) => {
      const c = side.command(databaseUrl);
      return { ...c, env: { ...c.env, ...env } };
    },
  });
  try {
    const setups: ReplicaResult["setup"][] = ["primary only", "primary + replica"];
    for (let round = 1; round <= o.rounds; round++) {
      for (const setup of round % 2 === 1 ? setups : [...setups].reverse()) {
        const side = withEnv(
          projectSide(o.node, setup),
          setup === "primary + replica" ? { DATABASE_REPLICA_URLS: replica.url } : {},
        );
        const servers: Running[] = [];
        try {
          for (let i = 0; i < 2; i++) servers.push(await startSide(side, o.primary.url));
          if (setup === "primary + replica") await replicaReady(servers);
          let i = 0;
          const latencies: number[] = [];
          let errors = 0;
          let measuring = false;
          const drive = (seconds: number) =>
            Promise.all(
              servers.map(
                (server) =>
                  new Promise<autocannon.Result>((resolve, reject) => {
                    const instance = autocannon(
                      {
                        url: server.base,
                        connections: Math.max(1, Math.floor(o.connections / 2)),
                        duration: seconds,
                        requests: [
                          {
                            method: "POST",
                            setupRequest: (req: any) => ({ ...req, ...side.request(scenario, i++, o.fixtures) }),
                            onResponse: (status: number, body: string) => {
                              if (measuring && (status !== 200 || side.failed(body))) errors++;
                            },
                          },
                        ],
                      } as any,
                      (err: unknown, res: autocannon.Result) => (err ? reject(err) : resolve(res)),
                    );
                    instance.on("response", (_c: unknown, _s: number, _b: number, ms: number) => {
                      if (measuring) latencies.push(ms);
                    });
                  }),
              ),
            );
          log(`round ${round}, ${setup}: warming up ${o.warmup} s, measuring ${o.seconds} s…`);
          if (o.warmup > 0) await drive(o.warmup);
          const p0 = await primaryCpu.sample();
          const r0 = await replicaCpu.sample();
          measuring = true;
          const res = await drive(o.seconds);
          measuring = false;
          const p1 = await primaryCpu.sample();
          const r1 = await replicaCpu.sample();
          const total = Math.max(
            1,
            res.reduce((n, r) => n + r.requests.total, 0),
          );
          latencies.sort((a, b) => a - b);
          const r: ReplicaResult = {
            setup,
            round,
            rps: Math.round(total / o.seconds),
            p50: round2(percentile(latencies, 50)),
            p99: round2(percentile(latencies, 99)),
            errors: errors + res.reduce((n, x) => n + x.errors + x.non2xx, 0),
            primaryCpuMsPerRequest: round2(DatabaseCpu.used(p0, p1) / total),
            replicaCpuMsPerRequest: setup === "primary only" ? null : round2(DatabaseCpu.used(r0, r1) / total),
          };
          results.push(r);
          log(
            `  ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, PostgreSQL CPU per request: ` +
              `primary ${r.primaryCpuMsPerRequest} ms${r.replicaCpuMsPerRequest !== null ? `, replica ${r.replicaCpuMsPerRequest} ms` : ""}`,
          );
        } finally {
          for (const s of servers) await stopSide(s);
        }
      }
    }
  } finally {
    await primaryCpu.close();
    await replicaCpu.close();
    replica.destroy();
  }
  return results;
}

/** Waits (bounded: 60 s) until both servers report their replica fresh enough to read from. */
async function replicaReady(servers: Running[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const s of servers) {
    for (;;) {
      const health = (await (await fetch(`${s.base}/healthz`)).json()) as { replicas?: { status: string }[] };
      if (health.replicas?.[0]?.status === "ok") break;
      if (Date.now() > deadline) throw new Error(`the replica is not in use: ${JSON.stringify(health)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export function replicaTable(results: ReplicaResult[]): string[] {
  const rows = ["primary only", "primary + replica"].map((setup) => {
    const of = results.filter((r) => r.setup === setup);
    const range = (f: (r: ReplicaResult) => number | null) => {
      const v = of.map(f).filter((x): x is number => x !== null);
      if (!v.length) return "—";
      const [lo, hi] = [Math.min(...v), Math.max(...v)];
      return lo === hi ? String(lo) : `${lo}–${hi}`;
    };
    return `| ${setup} | ${range((r) => r.rps)} | ${range((r) => r.p50)} | ${range((r) => r.p99)} | ${range((r) => r.primaryCpuMsPerRequest)} | ${range((r) => r.replicaCpuMsPerRequest)} | ${of.reduce((n, r) => n + r.errors, 0)} |`;
  });
  return [
    "| staff-page-100, two servers | req/s | p50 ms | p99 ms | primary CPU ms/req | replica CPU ms/req | errors |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ];
}
