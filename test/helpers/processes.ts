/**
 * The project's commands as child processes, for tests: the built server (dist/main.js) and CLI
 * (dist/cli.js), as `npm start`, `npm run demo` and `npm run cli` run them (`npm test` builds
 * first when the sources are newer), and npm itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const root = path.resolve(__dirname, "..", "..");
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
}

/** Runs a command to its end. */
export function runCommand(
  command: string,
  args: string[],
  opts: RunOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd ?? root, env: { ...process.env, ...opts.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs one of the built scripts (main.js, cli.js) with node. */
export const run = (script: "main.js" | "cli.js", args: string[], env: Record<string, string> = {}, cwd?: string) =>
  runCommand(process.execPath, [path.join(root, "dist", script), ...args], { env, cwd });

export const cli = (args: string[], env: Record<string, string> = {}, cwd?: string) => run("cli.js", args, env, cwd);

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a server process and waits until it serves (for --demo, until the tokens are printed).
 * By default the built server itself; `command` runs something else (npm, say).
 */
export async function startServer(
  args: string[],
  env: Record<string, string>,
  opts: { cwd?: string; command?: [string, ...string[]]; detached?: boolean } = {},
): Promise<ServerProcess> {
  const [command, ...prefix] = opts.command ?? [process.execPath, path.join(root, "dist", "main.js")];
  const child = spawn(command, [...prefix, ...args], {
    cwd: opts.cwd ?? root,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
    detached: opts.detached,
  });
  children.add(child);
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const demo = args.includes("--demo") || args.includes("demo");
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(out);
      if (m && (!demo || out.includes("customer"))) resolve(m[1]);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
  });
  return {
    child,
    url,
    output: () => out,
    exited,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

export async function gql(url: string, query: string, token?: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: any[] }) };
}
