/**
 * A real Prometheus (Debian's `prometheus` package) for tests: started on a free port of 127.0.0.1
 * with a generated configuration that scrapes the given targets every second, its data in a
 * throwaway folder; asked through its HTTP API. Without the program the tests that need it say so
 * loudly; REQUIRE_POSTGRES=1 (CI) makes that a failure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { waitFor } from "./receiver.js";

export const PROMETHEUS = process.env.PROMETHEUS_PATH ?? ["/usr/bin/prometheus"].find((p) => fs.existsSync(p));
if (!PROMETHEUS) {
  const msg = "No prometheus found (apt-get install prometheus, or set PROMETHEUS_PATH).";
  if (process.env.REQUIRE_POSTGRES === "1") throw new Error(`${msg} REQUIRE_POSTGRES=1 is set.`);
  process.stderr.write(`\n*** ${msg}\n*** SKIPPING the tests that scrape with a real Prometheus.\n\n`);
}

export interface Prometheus {
  url: string;
  /** The scrape targets' health, as Prometheus reports it. */
  targets(): Promise<{ scrapeUrl: string; health: string; lastError: string }[]>;
  /** An instant PromQL query: each series' labels and value. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts Prometheus scraping `targets` (URLs of /metrics endpoints) and waits until it answers. */
export async function startPrometheus(targets: string[]): Promise<Prometheus> {
  if (!PROMETHEUS) throw new Error("no prometheus");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prometheus-"));
  const jobs = targets.map((t, i) => {
    const u = new URL(t);
    return [
      `  - job_name: target${i}`,
      `    scrape_interval: 1s`,
      `    scrape_timeout: 1s`,
      `    metrics_path: ${u.pathname}`,
      `    static_configs:`,
      `      - targets: ["${u.host}"]`,
    ].join("\n");
  });
  fs.writeFileSync(
    path.join(dir, "prometheus.yml"),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n${jobs.join("\n")}\n`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const api = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${url}${p}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`Prometheus ${p}: ${body.error}`);
    return body.data;
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
        return fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
      },
      "Prometheus to be ready",
      60_000,
    );
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    url,
    targets: async () =>
      (await api<{ activeTargets: { scrapeUrl: string; health: string; lastError: string }[] }>("/api/v1/targets"))
        .activeTargets,
    query: async (promql) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `/api/v1/query?query=${encodeURIComponent(promql)}`,
        )
      ).result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) })),
    async stop() {
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
