#!/usr/bin/env node
/**
 * node bench/perf-summary.js FILE.perf.data [TOP]
 * Where a server's CPU time went, from `perf record` (on-CPU samples, kernel included) of a
 * process started with --perf-basic-prof: `npm run bench -- --perf` writes one file per side and
 * scenario in bench/profiles/, covering the measured seconds only. Unlike V8's --cpu-prof, which
 * samples the JavaScript thread's wall time (a process descheduled in a system call, on a loaded
 * machine, books the wait to that call), these are samples of CPU time used: main thread and
 * V8's helper threads (garbage collection, JIT compilation), user space and kernel.
 *
 * Each sample is booked to one kind of work: garbage collection wherever it was triggered; JSON
 * when V8's JSON builtins run; a system call by what it is (socket writes, to PostgreSQL when the
 * pg driver is on the stack, else to HTTP clients; reads; epoll); otherwise the package of the
 * nearest JavaScript frame (a builtin or runtime function counts for the JavaScript that called it).
 */
const { execFileSync } = require("node:child_process");

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/perf-summary.js FILE.perf.data [TOP]");
  process.exit(2);
}
const text = execFileSync("perf", ["script", "-i", file, "-F", "pid,tid,ip,sym,dso"], {
  encoding: "utf8",
  maxBuffer: 1 << 30,
  stdio: ["ignore", "pipe", "ignore"],
});

const GC =
  /v8::internal::(Heap::|Scavenger|ScavengerCollector|MarkCompactCollector|MinorMarkCompact|MinorMarkSweep|Sweeper|ConcurrentMarking|IncrementalMarking|MarkingVisitor|MarkingBarrier|MainMarkingVisitor|ConcurrentMarkingVisitor|MemoryAllocator|PagedSpace|EvacuateVisitor|Evacuator|PointersUpdating|RememberedSet|ArrayBufferSweeper|HeapObjectsMap|GCTracer)|heap::base::|cppgc::/;
const COMPILER =
  /v8::internal::(compiler::|maglev::|baseline::|wasm::|Compiler::|OptimizingCompile|TurbofanCompilationJob|Parser|PreParser|Scanner)/;
const JSON_BUILTIN =
  /Builtins_Json(Stringify|Parse)|v8::internal::(JsonStringifier|JsonParser|JsonStringify|JsonParse)/;
const WRITE = /^(do_writev|ksys_write|__sys_sendto|__sys_sendmsg|__x64_sys_writev|__x64_sys_write|__x64_sys_sendto)$/;
const READ = /^(ksys_read|__sys_recvfrom|__sys_recvmsg|__x64_sys_read|__x64_sys_recvfrom)$/;

const PACKAGES = [
  [
    "data layer (Prisma; PostGraphile: @dataplan/pg, pg-sql2)",
    /node_modules\/(@prisma\/|prisma\/|@dataplan\/pg\/|pg-sql2\/|@graphile\/lru\/|tamedevil\/)|\/generated\/prisma\//,
  ],
  [
    "pg driver (pg, pg-protocol, pg-pool, pg-types)",
    /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+)\//,
  ],
  [
    "GraphQL execution (graphql-js, graphql-jit, type-graphql, dataloader; grafast)",
    /node_modules\/(graphql|graphql-jit|graphql-scalars|type-graphql|dataloader|grafast|@dataplan\/json|graphile-[a-z-]+|reflect-metadata)\//,
  ],
  [
    "request pipeline (Apollo Server, Express; grafserv)",
    /node_modules\/(@apollo\/[^/]+|express|router|body-parser|raw-body|negotiator|type-is|content-type|media-typer|mime-types|on-finished|finalhandler|accepts|vary|qs|iconv-lite|parseurl|path-to-regexp|grafserv)\//,
  ],
  ["decimal.js", /node_modules\/decimal\.js\//],
  ["the server's own code", /\/(dist|src)\/|\/bench\/peers\//],
  ["node internals (http, net, streams, events, timers)", /JS:.? ?\S*node:|node:internal|node:/],
];

function kindOf(frames, mainThread) {
  const syms = frames.map((f) => f.sym);
  if (syms.some((s) => GC.test(s))) return mainThread ? "garbage collection" : "garbage collection (helper threads)";
  if (!mainThread)
    return syms.some((s) => COMPILER.test(s)) ? "JIT compilation (helper threads)" : "helper threads, other";
  const kernel = frames.findIndex((f) => f.dso !== "[kernel.kallsyms]");
  if (kernel !== 0) {
    const call = syms.find(
      (s) => WRITE.test(s) || READ.test(s) || /epoll|futex|page_fault|mmap|munmap|madvise/.test(s),
    );
    if (call && WRITE.test(call))
      return frames.some((f) => /node_modules\/(pg|pg-protocol)\//.test(f.sym))
        ? "kernel: socket writes of statements to PostgreSQL"
        : "kernel: socket writes of HTTP answers";
    if (call && READ.test(call)) return "kernel: socket reads";
    if (call && /epoll/.test(call)) return "kernel: epoll";
    if (call && /page_fault|mmap|munmap|madvise/.test(call)) return "kernel: memory (page faults, mmap)";
    return "kernel: other";
  }
  if (syms.slice(0, 8).some((s) => JSON_BUILTIN.test(s))) return "JSON (V8's JSON.stringify / JSON.parse)";
  const js = frames.find((f) => f.sym.startsWith("JS:"));
  if (!js) return "node / V8 runtime outside JavaScript";
  for (const [name, pattern] of PACKAGES) if (pattern.test(js.sym)) return name;
  return "other JavaScript";
}

const kinds = new Map();
const leaves = new Map();
let total = 0;
let mainTotal = 0;
for (const block of text.split("\n\n")) {
  const lines = block.split("\n").filter((l) => l.trim());
  if (lines.length === 0) continue;
  const [pid, tid] = lines[0]
    .trim()
    .split(/[\s/]+/)
    .map(Number);
  const frames = lines.slice(1).map((l) => {
    const m = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$/.exec(l);
    return m ? { sym: m[1].replace(/\+0x[0-9a-f]+$/, ""), dso: m[2] } : { sym: "", dso: "" };
  });
  const main = pid === tid;
  const k = kindOf(frames, main);
  kinds.set(k, (kinds.get(k) ?? 0) + 1);
  total++;
  if (main) mainTotal++;
  const leaf = frames.find((f) => f.sym && f.sym !== "[unknown]")?.sym ?? "[unknown]";
  leaves.set(leaf, (leaves.get(leaf) ?? 0) + 1);
}
const pct = (n) => ((100 * n) / total).toFixed(1).padStart(5) + "%";
console.log(`${total} samples of CPU time (${pct(mainTotal).trim()} on the main thread)`);
console.log("\nby kind of work:");
for (const [k, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(pct(n), k);
console.log("\ntop leaf functions (self):");
for (const [f, n] of [...leaves].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25)))
  console.log(pct(n), f.slice(0, 140));
