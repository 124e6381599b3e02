/** The project's commands as child processes (src/main.ts and src/cli.ts through tsx), for tests. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

export function run(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export const cli = (args: string[], env: Record<string, string>) => run("src/cli.ts", args, env);

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts src/main.ts and waits until it serves (for --demo, until the tokens are printed). */
export async function startServer(args: string[], env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: root,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
  });
  children.add(child);
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(out);
      if (m && (!args.includes("--demo") || out.includes("customer"))) resolve(m[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`server did not start: ${out}`)), 90_000);
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
