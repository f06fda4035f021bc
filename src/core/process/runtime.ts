/**
 * Which runtime a process runs on (JVM, Go, CPython, Node.js, nginx master or worker, …), from what the collector
 * saw cheaply: the markers its `r` lines report from `/proc/PID/maps` and the binary's first page, then the comm and
 * the command line. Unknown stays unknown: a wrong guess would put a wrong meaning on a signal.
 */

/** The runtimes pns tells apart; `unknown` when nothing says. */
export type RuntimeKind =
  | "jvm"
  | "go"
  | "python"
  | "node"
  | "nginx-master"
  | "nginx-worker"
  | "ruby"
  | "dotnet"
  | "beam"
  | "unknown";

/** A runtime and what showed it, for the table and the approval card. */
export interface RuntimeInfo {
  kind: RuntimeKind;
  /** How it was recognised: `libjvm.so is mapped`, `Go build ID note`, `command line`; empty for `unknown`. */
  evidence: string;
}

/**
 * The markers the collector's `r <pid> <marker>` lines carry: the fixed strings it greps for in `/proc/PID/maps`
 * (`grep -o` prints only the match, so a process cannot put other text there), and `go-buildid` when the binary's
 * first 32 KiB hold the Go build ID note.
 */
export const RUNTIME_MARKERS = {
  "libjvm.so": "jvm",
  libpython: "python",
  libnode: "node",
  libruby: "ruby",
  "libcoreclr.so": "dotnet",
  "beam.smp": "beam",
  // The Go heap's first arena, at the address the Go runtime asks for first on 64-bit Linux (amd64 and most
  // others 0x00c0<<32, arm64 0x0040<<32: runtime/malloc.go mallocinit's arena hints).
  "c000000000-": "go",
  "4000000000-": "go",
  "go-buildid": "go",
} as const satisfies Record<string, RuntimeKind>;

/** A marker the collector reports. */
export type RuntimeMarker = keyof typeof RUNTIME_MARKERS;

/** True for a marker pns knows (anything else on an `r` line is ignored). */
export function isRuntimeMarker(s: string): s is RuntimeMarker {
  return Object.hasOwn(RUNTIME_MARKERS, s);
}

/** Display names of the runtimes. */
export const RUNTIME_LABELS: Record<RuntimeKind, string> = {
  jvm: "JVM",
  go: "Go",
  python: "CPython",
  node: "Node.js",
  "nginx-master": "nginx master",
  "nginx-worker": "nginx worker",
  ruby: "Ruby",
  dotnet: ".NET",
  beam: "Erlang VM",
  unknown: "unknown",
};

/** One frozen answer per (runtime, evidence): detection allocates nothing, as it runs for every row. */
const found = (kind: RuntimeKind, evidence: string): RuntimeInfo => Object.freeze({ kind, evidence });
const UNKNOWN = found("unknown", "");
const BY_MARKER: readonly [string, RuntimeInfo][] = [
  ["libjvm.so", found("jvm", "libjvm.so is mapped")],
  ["go-buildid", found("go", "Go build ID note in its binary")],
  ["libcoreclr.so", found("dotnet", "libcoreclr.so is mapped")],
  ["beam.smp", found("beam", "beam.smp is mapped")],
  ["libnode", found("node", "libnode is mapped")],
  ["libpython", found("python", "libpython is mapped")],
  ["libruby", found("ruby", "libruby is mapped")],
];
const GO_HEAP = found("go", "Go heap arena mapped");
const NGINX_MASTER = found("nginx-master", "process title");
const NGINX_WORKER = found("nginx-worker", "process title");
// A Map, not an object: a property lookup by a string made at run time first searches the engine's string table.
const BY_NAME = new Map<string, RuntimeInfo>([
  ["java", found("jvm", "command line")],
  ["node", found("node", "command line")],
  ["nodejs", found("node", "command line")],
  ["ruby", found("ruby", "command line")],
  ["dotnet", found("dotnet", "command line")],
  ["beam.smp", found("beam", "command line")],
]);
const PYTHON_BY_NAME = found("python", "command line");

/** What a process looks like to runtime detection. */
export interface RuntimeClues {
  comm: string;
  /** The command line (unredacted is fine: only its program names are read). */
  args: readonly string[];
  /** Markers from the collector's `r` lines (none when `/proc/PID/maps` could not be read). */
  runtimeHints?: readonly string[];
}

function base(path: string | undefined): string {
  if (path === undefined) return "";
  const slash = path.lastIndexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/** The runtime a program name (comm or argv[0]'s base name) says, or null. */
function byName(name: string): RuntimeInfo | null {
  const known = BY_NAME.get(name);
  if (known !== undefined) return known;
  if (name.startsWith("python") && /^python\d*(?:\.\d+)?$/.test(name)) return PYTHON_BY_NAME;
  return null;
}

/**
 * The runtime of a process: the mapped libraries and the Go markers first (they cannot be faked by a command
 * line), then nginx's process titles, then the program's name, then the Go heap alone. A process whose maps pns may
 * not read (another uid without SYS_PTRACE) is judged by its names only.
 */
export function detectRuntime(p: RuntimeClues): RuntimeInfo {
  const hints = p.runtimeHints;
  if (hints !== undefined && hints.length > 0)
    for (const [marker, info] of BY_MARKER) if (hints.includes(marker)) return info;
  const title = p.args[0] ?? "";
  // nginx sets its process titles (ngx_setproctitle): "nginx: master process …", "nginx: worker process".
  if (title.startsWith("nginx: ")) {
    if (title.startsWith("nginx: master process")) return NGINX_MASTER;
    if (title.startsWith("nginx: worker process")) return NGINX_WORKER;
  }
  const named = byName(base(title)) ?? byName(p.comm);
  if (named !== null) return named;
  if (hints?.includes("c000000000-") || hints?.includes("4000000000-")) return GO_HEAP;
  return UNKNOWN;
}
