/** Kubernetes and Slack name rules shared by the command grammar and the configuration. */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CLUSTER = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Largest PID Linux hands out (`pid_max` upper bound, 2^22). */
export const MAX_PID = 4_194_304;

/** True for a DNS-1123 label (namespaces, container names): lowercase alphanumerics and `-`, at most 63. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && LABEL.test(s);
}

/** True for a DNS-1123 subdomain (pod and workload names): labels joined by `.`, at most 253. */
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && SUBDOMAIN.test(s);
}

/** True for a pns cluster name: letters, digits, `-`, `_`, `.`, at most 63, starting and ending alphanumeric. */
export function isClusterName(s: string): boolean {
  return s.length <= 63 && CLUSTER.test(s);
}

/** Says why `s` is not a valid name of the given sort, or null when it is. */
export function nameProblem(s: string, sort: "namespace" | "container" | "pod" | "cluster"): string | null {
  if (s.length === 0) return `the ${sort} name is empty`;
  if (sort === "cluster") {
    return isClusterName(s)
      ? null
      : `"${clip(s)}" is not a valid cluster name: use letters, digits, "-", "_" or "." (at most 63 characters)`;
  }
  const label = sort !== "pod";
  const max = label ? 63 : 253;
  if (s.length > max) return `the ${sort} name is ${s.length} characters long; Kubernetes allows at most ${max}`;
  if (label ? isDnsLabel(s) : isDnsSubdomain(s)) return null;
  const hint = /[A-Z]/.test(s) ? " (Kubernetes names are lowercase)" : "";
  return label
    ? `"${clip(s)}" is not a valid ${sort} name${hint}: use lowercase letters, digits and "-", starting and ending with a letter or digit`
    : `"${clip(s)}" is not a valid ${sort} name${hint}: use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`;
}

/** Shortens a user-supplied value for an error message. */
export function clip(s: string, max = 60): string {
  let printable = "";
  for (const ch of s.slice(0, max + 1)) {
    const c = ch.codePointAt(0)!;
    printable += c < 0x20 || c === 0x7f ? "?" : ch;
  }
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/** True for a Slack user ID (`U…`, or `W…` on Enterprise Grid). */
export function isSlackUserId(s: string): boolean {
  return /^[UW][A-Z0-9]{2,20}$/.test(s);
}

/** True for a Slack user-group ID (`S…`). */
export function isSlackGroupId(s: string): boolean {
  return /^S[A-Z0-9]{2,20}$/.test(s);
}

/** True for a Slack channel ID (`C…` public, `G…` private). */
export function isSlackChannelId(s: string): boolean {
  return /^[CG][A-Z0-9]{2,20}$/.test(s);
}
