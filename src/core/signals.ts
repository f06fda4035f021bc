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

/** Normalises `HUP`, `sighup`, `SIGHUP` or `1` to a name from the allowlist; null when it is not allowed. */
export function normalizeSignal(input: string): SignalName | null {
  const s = input.trim().toUpperCase();
  if (/^\d{1,3}$/.test(s)) {
    const n = Number(s);
    return SIGNAL_NAMES.find((name) => SIGNALS[name] === n) ?? null;
  }
  const name = s.startsWith("SIG") ? s.slice(3) : s;
  return (SIGNAL_NAMES as string[]).includes(name) ? (name as SignalName) : null;
}
