/** `/pns inspect`: one process's environment, files, identity, capabilities and cgroup, for the asker only. */

import { describeCapabilities } from "../inspect/capabilities.js";
import type { EnvEntry } from "../inspect/environment.js";
import { type CgroupUsage, capabilitySets, type InspectOutput, seccompMode } from "../inspect/parse-inspect.js";
import type { PodRef } from "../model.js";
import type { Block, MessageView } from "./block-kit.js";
import { BLOCKS_JSON_RESERVE, SlackLimits as L } from "./limits.js";
import { codeSpan, escapeTruncate, formatKib, jsonSize, mrkdwn, plain, plural } from "./text.js";

/** Input of {@link renderInspectView}. */
export interface InspectViewInput {
  pod: PodRef;
  pid: number;
  container: string | null;
  /** Redacted command line. */
  command: string;
  output: InspectOutput;
  /** Null when environ could not be read. */
  environment: EnvEntry[] | null;
  cgroup: CgroupUsage;
}

const WHY_DENIED =
  "needs ptrace access: the same uid as the process, or SYS_PTRACE (`debug.profile: general`, where Pod Security allows it)";

function bytes(n: number | null): string {
  return n === null ? "no limit" : formatKib(n / 1024);
}

/** The inspect message. */
export function renderInspectView(input: InspectViewInput): MessageView {
  const { pod, output: o } = input;
  const s = o.status;
  const caps = capabilitySets(s);
  const openFiles = o.limits.find((l) => l.name === "Max open files");
  const fdLine =
    o.openFiles === null
      ? "unreadable"
      : `${o.openFiles.toLocaleString("en-US")} of ${openFiles?.soft === null || openFiles === undefined ? "no limit" : openFiles.soft.toLocaleString("en-US")}${openFiles && openFiles.soft !== null && o.openFiles / openFiles.soft > 0.8 ? " ⚠️ near the limit" : ""}`;
  const [uid = "?", , , fsUid] = (s.Uid ?? "").split(/\s+/);
  const [gid = "?"] = (s.Gid ?? "").split(/\s+/);
  const cg = input.cgroup;
  const memory = cg.unknown
    ? "unknown"
    : `${bytes(cg.memoryUsed)} used of ${bytes(cg.memoryLimit)}${cg.memoryPeak !== null ? ` (peak ${bytes(cg.memoryPeak)})` : ""}${cg.memoryLimit !== null && cg.memoryUsed !== null && cg.memoryUsed / cg.memoryLimit > 0.9 ? " ⚠️ near the limit" : ""}`;
  const cpu = cg.unknown
    ? "unknown"
    : `${cg.cpuLimit === null ? "no limit" : `limit ${cg.cpuLimit} CPU`}${cg.cpuSeconds !== null ? `, ${cg.cpuSeconds.toFixed(1)} s used` : ""}${cg.throttled && cg.throttled.periods > 0 ? `, throttled in ${cg.throttled.periods} of ${cg.throttled.of} periods` : ""}`;
  const facts = [
    `*Container:* ${escapeTruncate(input.container ?? "unknown", 100)} · *uid* ${escapeTruncate(uid, 20)}${fsUid && fsUid !== uid ? ` (fs ${escapeTruncate(fsUid, 20)})` : ""} · *gid* ${escapeTruncate(gid, 20)} · *threads* ${escapeTruncate(s.Threads ?? "?", 20)}${s.VmRSS ? ` · *RSS* ${escapeTruncate(s.VmRSS, 30)}` : ""}`,
    `*Open files:* ${fdLine}`,
    `*cwd:* ${o.cwd === null ? "unreadable" : codeSpan(o.cwd, 300)} · *exe:* ${o.exe === null ? "unreadable" : codeSpan(o.exe, 300)}`,
    `*uid map:* ${o.uidMap.length ? codeSpan(o.uidMap.join("; "), 200) : "unknown"} · *gid map:* ${o.gidMap.length ? codeSpan(o.gidMap.join("; "), 200) : "unknown"}${o.uidMap[0] && !/^0 0 4294967295$/.test(o.uidMap[0]) ? " (a user namespace)" : ""}`,
    `*Capabilities (effective):* ${caps.effective ? escapeTruncate(describeCapabilities(caps.effective), 600) : "unknown"}${caps.bounding && caps.effective && caps.bounding.length !== caps.effective.length ? ` · *bounding:* ${escapeTruncate(describeCapabilities(caps.bounding), 400)}` : ""}`,
    `*Seccomp:* ${seccompMode(s)} · *no_new_privs:* ${s.NoNewPrivs === "1" ? "yes" : s.NoNewPrivs === "0" ? "no" : "unknown"}`,
    `*Memory (cgroup):* ${memory}`,
    `*CPU (cgroup):* ${cpu}`,
  ];
  const head: Block[] = [
    { type: "header", text: plain(`PID ${input.pid} · ${input.command}`, L.header) },
    {
      type: "context",
      elements: [
        mrkdwn(`${escapeTruncate(`${pod.cluster} / ${pod.namespace} / ${pod.pod}`, 600)} · only you see this`),
      ],
    },
    { type: "section", text: mrkdwn(facts.join("\n").slice(0, L.sectionText)) },
  ];
  const notes: string[] = [];
  const denied = o.denied.filter((d) => d !== "root");
  if (denied.length > 0) notes.push(`Not readable: ${denied.join(", ")} — ${WHY_DENIED}.`);
  if (o.denied.includes("root")) notes.push("The process's cgroup files are not readable through its root.");
  const blocks = [...head];
  if (input.environment !== null) {
    const masked = input.environment.filter((e) => e.masked).length;
    const budget = L.blocksJson - BLOCKS_JSON_RESERVE - jsonSize(blocks) - 400;
    const lines: string[] = [];
    let size = 2;
    for (const e of input.environment) {
      const line = (e.value === "" && /\s/.test(e.key) ? e.key : `${e.key}=${e.value}`).replace(/[\r\n]/g, "⏎");
      const cost = JSON.stringify(line).length;
      if (size + cost > budget || line.length > 2000) break;
      size += cost;
      lines.push(line);
    }
    blocks.push({
      type: "section",
      text: mrkdwn(`*Environment* (${plural(input.environment.length, "variable", "variables")}, ${masked} masked)`),
    });
    if (lines.length > 0) {
      blocks.push({
        type: "rich_text",
        elements: [{ type: "rich_text_preformatted", elements: [{ type: "text", text: lines.join("\n") }] }],
      });
    }
    if (lines.length < input.environment.length)
      notes.push(`Showing ${lines.length} of ${input.environment.length} variables.`);
    if (o.environTruncated) notes.push("The environment is longer than pns reads (64 KiB).");
    if (input.environment.some((e) => !e.key.includes("=") && e.value === "" && /\s/.test(e.key)))
      notes.push(
        "Some entries are no KEY=value: the process wrote over its environment area (nginx and others set their title there).",
      );
  }
  if (notes.length > 0) blocks.push({ type: "context", elements: [mrkdwn(escapeTruncate(notes.join(" "), 2900))] });
  const text = `PID ${input.pid} of ${escapeTruncate(`${pod.namespace}/${pod.pod}`, 300)}: ${escapeTruncate(input.command, 200)}`;
  return { text, blocks };
}
