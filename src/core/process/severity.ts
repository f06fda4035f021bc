/**
 * How risky a signal is for its target, and what it will do: a level, the style of the buttons that send it, and a
 * consequence line, from the signal, whether the target is its container's main process (or PID 1 of its PID
 * namespace) and the pod's restart policy. Used by the reason modal, the approval card and its confirm dialog.
 */

import type { SignalName } from "../signals.js";
import type { RestartPolicy } from "./pod-summary.js";

/** `high`: the process or its container may end or freeze; `medium`: it may end; `low`: it is not expected to. */
export type RiskLevel = "low" | "medium" | "high";

/** What is known about the process a signal is for. */
export interface SignalTarget {
  pid: number;
  /** The first process of its container, whose end ends the container (`ProcessRow.main`); null when unknown. */
  main: boolean | null;
  container: string | null;
  /** The pod's `spec.restartPolicy`; null when unknown. */
  restartPolicy: RestartPolicy | null;
}

/** A signal's risk for one target. */
export interface SignalSeverity {
  level: RiskLevel;
  /** The style of the button and confirm dialog that send it: `danger` for `high`. */
  style: "primary" | "danger";
  /** One plain-text sentence (not escaped) saying what the signal will do to this target. */
  consequence: string;
}

/** What happens to the container once its main process ends, by restart policy. */
export function afterMainEnds(target: SignalTarget, exitIsFailure: boolean): string {
  const c = target.container === null ? "the container" : `container ${target.container}`;
  switch (target.restartPolicy) {
    case "Always":
      return `${c} stops and the kubelet restarts it`;
    case "OnFailure":
      return exitIsFailure
        ? `${c} stops and the kubelet restarts it (restartPolicy OnFailure)`
        : `${c} stops, and the kubelet restarts it only if it exits with an error (restartPolicy OnFailure)`;
    case "Never":
      return `${c} stops and stays stopped (restartPolicy Never)`;
    case null:
      return `${c} stops and the kubelet restarts it, unless the pod's restartPolicy is Never`;
  }
}

/**
 * The risk of sending `signal` to `target`. KILL, TERM and STOP are `high` (danger); QUIT and INT are `high` on a
 * main process (or when that is unknown), else `medium`; HUP, USR1 and USR2 are `medium` (their default action ends
 * a program that does not handle them); WINCH and CONT are `low`. The default actions are signal(7)'s.
 */
export function signalSeverity(signal: SignalName, target: SignalTarget): SignalSeverity {
  const main = target.main !== false;
  const sure = target.main === true;
  // PID 1 of a namespace gets from inside it only the signals it handles, and never KILL or STOP
  // (kernel/signal.c, sig_task_ignored(): SIGNAL_UNKILLABLE); pns's debug container signals from inside.
  const init = target.pid === 1;
  const ifMain = (text: string) => (sure ? text : `if it is its container's main process, ${text}`);
  const high = (consequence: string): SignalSeverity => ({ level: "high", style: "danger", consequence });
  const medium = (consequence: string): SignalSeverity => ({ level: "medium", style: "primary", consequence });
  const low = (consequence: string): SignalSeverity => ({ level: "low", style: "primary", consequence });

  if (init && (signal === "KILL" || signal === "STOP")) {
    return low(
      `SIG${signal} is not delivered: PID 1 of its PID namespace gets only the signals it handles, and never SIG${signal}, so nothing will happen.`,
    );
  }
  const initNote =
    init && signal !== "CONT" ? " As PID 1 of its namespace, it gets the signal only if it handles it." : "";
  switch (signal) {
    case "KILL":
      return high(
        main
          ? `SIGKILL ends the process at once, without cleanup (exit 137); ${ifMain(afterMainEnds(target, true))}, and work in flight is lost.`
          : "SIGKILL ends the process at once, without cleanup (exit 137); its parent decides what comes next.",
      );
    case "TERM":
      return high(
        main
          ? `SIGTERM asks the process to exit, as a pod shutdown does; ${ifMain(afterMainEnds(target, false))}.${initNote}`
          : `SIGTERM asks the process to exit; most programs finish what they are doing and stop.${initNote}`,
      );
    case "STOP":
      return high(
        "SIGSTOP freezes the process until SIGCONT (STAT T): it serves nothing meanwhile, and failing probes may make the kubelet restart its container.",
      );
    case "QUIT":
    case "INT": {
      const what =
        signal === "QUIT"
          ? "SIGQUIT makes most programs exit with a core dump (nginx shuts down gracefully, the JVM prints a thread dump and goes on)"
          : "SIGINT makes most programs exit, as Ctrl-C does";
      return main
        ? high(`${what}; ${ifMain(afterMainEnds(target, true))}.${initNote}`)
        : medium(`${what}; its parent decides what comes next.${initNote}`);
    }
    case "HUP":
    case "USR1":
    case "USR2": {
      const what =
        signal === "HUP"
          ? "SIGHUP makes daemons that handle it reload (nginx re-reads its configuration and replaces its workers)."
          : `SIG${signal} does what the program makes it do (nginx ${signal === "USR1" ? "reopens its log files" : "starts a new binary"}).`;
      const without = main
        ? `A program without a handler exits: ${ifMain(afterMainEnds(target, true))}.`
        : "A program without a handler exits.";
      return medium(`${what} ${without}${initNote}`);
    }
    case "WINCH":
      return low(
        `SIGWINCH says the terminal size changed; most programs ignore it (nginx's master stops its workers gracefully).${initNote}`,
      );
    case "CONT":
      return low("SIGCONT resumes a stopped process; a running one goes on as before.");
  }
}
