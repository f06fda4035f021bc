/** The signals pns may send, by name, with their Linux numbers. Nothing outside this list is ever sent. */
export const SIGNALS = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  TERM: 15,
  CONT: 18,
  STOP: 19,
  WINCH: 28,
} as const;

export type SignalName = keyof typeof SIGNALS;

export const SIGNAL_NAMES = Object.keys(SIGNALS) as SignalName[];

/** What each signal usually does, for pickers and confirm dialogs. */
export const SIGNAL_HINTS: Record<SignalName, string> = {
  HUP: "reload configuration (nginx: new workers)",
  INT: "interrupt",
  QUIT: "quit (nginx: graceful shutdown)",
  KILL: "kill at once, cannot be caught",
  USR1: "user signal 1 (nginx: reopen logs)",
  USR2: "user signal 2 (nginx: upgrade binary)",
  TERM: "terminate politely",
  CONT: "continue a stopped process",
  STOP: "stop (pause) the process",
  WINCH: "window change (nginx: stop workers gracefully)",
};

/**
 * Every standard Linux signal with its number, to name a signal pns refuses. Numbers are those of
 * include/uapi/asm-generic/signal.h and arch/x86/include/uapi/asm/signal.h (x86, arm, arm64, riscv, …; alpha, mips,
 * parisc and sparc number some differently, and pns's allowlist uses these numbers too).
 */
export const LINUX_SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
};

/** Highest Linux signal number (`_NSIG` is 64; 32–64 are real-time signals). */
export const MAX_LINUX_SIGNAL = 64;

/** What a signal word names: an allowed signal, a Linux signal pns refuses (by name or number), or nothing. */
export type SignalLookup =
  | { kind: "allowed"; name: SignalName }
  | { kind: "refused"; name: string | null; number: number }
  | { kind: "unknown" };

/** Normalises `HUP`, `sighup`, `SIGHUP` or `1` to a name from the allowlist; null when it is not allowed. */
export function normalizeSignal(input: string): SignalName | null {
  const found = lookupSignal(input);
  return found.kind === "allowed" ? found.name : null;
}

/** Looks up `HUP`, `sighup`, `SIGHUP` or `1` (no leading dash) among the allowed and the other Linux signals. */
export function lookupSignal(input: string): SignalLookup {
  const s = input.trim().toUpperCase();
  if (/^\d{1,3}$/.test(s)) {
    const n = Number(s);
    const allowed = SIGNAL_NAMES.find((name) => SIGNALS[name] === n);
    if (allowed) return { kind: "allowed", name: allowed };
    if (n > MAX_LINUX_SIGNAL) return { kind: "unknown" };
    const name = Object.keys(LINUX_SIGNALS).find((k) => LINUX_SIGNALS[k] === n) ?? null;
    return { kind: "refused", name, number: n };
  }
  const name = s.startsWith("SIG") ? s.slice(3) : s;
  if ((SIGNAL_NAMES as string[]).includes(name)) return { kind: "allowed", name: name as SignalName };
  if (Object.hasOwn(LINUX_SIGNALS, name)) return { kind: "refused", name, number: LINUX_SIGNALS[name]! };
  return { kind: "unknown" };
}

/** The allowed signals with their numbers, like `HUP (1), INT (2), …`, for messages. */
export function allowedSignalList(): string {
  return SIGNAL_NAMES.map((name) => `${name} (${SIGNALS[name]})`).join(", ");
}
