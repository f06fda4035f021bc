import { SIGNALS } from "../signals.js";

/**
 * The constant POSIX `sh` scripts pns runs inside a debug container.
 *
 * They never contain user input: every variable part (a PID, a signal name, a path) is passed as a positional
 * argument after the script, as `["sh", "-c", SCRIPT, "pns", arg1, arg2, …]`, and validated in core first.
 * Each runs under busybox `sh` (ash), dash and bash, using only `read`, `printf`, `od`, `tr`, `head`, `kill`, `sha256sum`,
 * `sleep`, `stat` and `readlink` (busybox's or coreutils'), and `grep` for runtime markers only (without it the
 * collector reports none).
 */

import { RUNTIME_MARKERS } from "./runtime.js";

/** The name given as `$0` to every script, so `ps` inside the pod shows what is running. */
export const SCRIPT_NAME = "pns";

/**
 * The collector's `grep -F -e` arguments for the runtime markers of `/proc/PID/maps`: fixed strings, which busybox
 * grep matches about ten times faster than the same patterns as regular expressions (measured on this machine).
 */
const RUNTIME_GREP = Object.keys(RUNTIME_MARKERS)
  .filter((m) => m !== "go-buildid")
  .map((m) => `-e ${m}`)
  .join(" ");

/**
 * Bytes of a Go binary's start searched for its build ID note (name `Go`, type 4), as far as Go's own
 * `cmd/internal/buildid` reads (its `readSize`, 32 KiB): the linker puts the note right after the ELF headers.
 */
const GO_NOTE_BYTES = 32 * 1024;

/** Bytes of a command line kept by the collector and hashed by the signal guard. */
export const CMDLINE_MAX_BYTES = 4096;

/** Seconds between the collector's two CPU samples unless told otherwise; 0 takes no sample. @default 1 */
export const DEFAULT_CPU_SAMPLE_SECONDS = 1;

/** Longest CPU sample the collector accepts, in seconds (one digit, checked by the script too). */
export const MAX_CPU_SAMPLE_SECONDS = 9;

/**
 * Lists every process of the PID namespace from /proc, one record per process, after two CPU samples taken
 * `<sample seconds>` apart (its one argument, 0–9, default 1; 0 takes none).
 *
 * Output (lines; unknown lines are ignored by the parser):
 * ```
 * h pns-ps/2 clk=<ticks per s> btime=<boot, epoch s> uptime=<s since boot> self=<pid of this shell> sample=<s>
 * t <uptime>                   a CPU sample starts (twice, <sample> s apart; none when sample=0)
 * k <pid> <utime> <stime> <starttime>   one per process of the sample
 * r <pid> <marker>            a runtime marker (before the records): a fixed string `grep -o` found in
 *                              /proc/PID/maps (`libjvm.so`, `libpython`, the Go heap's `c000000000-` …), or
 *                              `go-buildid` when that process's binary holds the Go build ID note in its first 32 KiB
 * p <pid>                      a record starts
 * s <the line of /proc/PID/stat>   when stat is one line, as it is unless comm holds a newline
 * x <lowercase hex of /proc/PID/stat>   instead of `s` when it is not
 * u <uid or empty> <VmRSS kB or empty> <Threads or empty>
 * q <SigCgt hex> <SigIgn hex>   its signal handlers, as /proc/PID/status shows them (empty when unreadable)
 * g <line of /proc/PID/cgroup>  zero or more
 * c <lowercase hex of the first 4096 bytes of /proc/PID/cmdline, NUL-separated args>
 * e                            the record ends
 * z <records printed>          the listing is complete
 * ```
 * The kernel prints comm in stat raw, newlines included (`proc_task_name(m, task, false)` in fs/proc/array.c):
 * such a stat is hex, so no comm can end a record early or forge one. `status` escapes comm, so its lines are safe.
 * A process that vanishes mid-record leaves a record with empty fields or no `e`; the parser counts it unreadable.
 * When /proc cannot be read it prints `h pns-ps/2 fallback self=<pid>` and the output of `ps` instead.
 */
export const COLLECT_SCRIPT = `export LC_ALL=C
sample=\${1-${DEFAULT_CPU_SAMPLE_SECONDS}}
case $sample in [0-9]) ;; *) printf 'pns: the CPU sample must be 0 to ${MAX_CPU_SAMPLE_SECONDS} seconds\\n' >&2; exit 2 ;; esac
if ! { read -r _ < /proc/1/stat; } 2>/dev/null && ! { read -r _ < /proc/self/stat; } 2>/dev/null; then
  printf 'h pns-ps/2 fallback self=%s\\n' "$$"
  ps -o pid,ppid,user,stat,time,rss,args 2>/dev/null || ps 2>/dev/null
  exit 0
fi
clk=$(getconf CLK_TCK 2>/dev/null) || clk=
case $clk in ''|*[!0-9]*) clk=100 ;; esac
btime=
{ while read -r k v _; do [ "$k" = btime ] && btime=$v; done < /proc/stat; } 2>/dev/null
up=
{ read -r up _ < /proc/uptime; } 2>/dev/null
printf 'h pns-ps/2 clk=%s btime=%s uptime=%s self=%s sample=%s\\n' "$clk" "$btime" "$up" "$$" "$sample"
cpu_sample() {
  t=
  { read -r t _ < /proc/uptime; } 2>/dev/null
  printf 't %s\\n' "$t"
  for d in /proc/[0-9]*; do
    st=
    { while IFS= read -r l; do st="$st$l "; done < "$d/stat"; } 2>/dev/null
    [ -n "$st" ] || continue
    set -f
    set -- \${st##*) }
    set +f
    printf 'k %s %s %s %s\\n' "\${d#/proc/}" "\${12}" "\${13}" "\${20}"
  done
}
if [ "$sample" -gt 0 ] && cpu_sample && sleep "$sample" 2>/dev/null; then cpu_sample; fi
{ grep -F -H -o ${RUNTIME_GREP} /proc/[0-9]*/maps 2>/dev/null; } | {
  last=
  while IFS= read -r l; do
    f=\${l%%:*} m=\${l#*:}
    [ "$f $m" = "$last" ] && continue
    last="$f $m"
    f=\${f#/proc/}
    f=\${f%/maps}
    printf 'r %s %s\\n' "$f" "$m"
    case $m in *-) case $(od -An -v -tx1 -N ${GO_NOTE_BYTES} "/proc/$f/exe" 2>/dev/null | tr -d ' \\n') in *04000000476f0000*) printf 'r %s go-buildid\\n' "$f" ;; esac ;; esac
  done
}
n=0
for d in /proc/[0-9]*; do
  st= more=
  { { IFS= read -r st; IFS= read -r more && more=y; } < "$d/stat"; } 2>/dev/null
  [ -n "$st$more" ] || continue
  printf 'p %s\\n' "\${d#/proc/}"
  if [ -z "$more" ]; then
    printf 's %s\\n' "$st"
  else
    printf 'x '
    od -An -v -tx1 "$d/stat" 2>/dev/null | tr -d ' \\n'
    printf '\\n'
  fi
  uid= rss= thr= cgt= ign=
  { while read -r k a _; do case $k in Uid:) uid=$a ;; VmRSS:) rss=$a ;; Threads:) thr=$a ;; SigCgt:) cgt=$a ;; SigIgn:) ign=$a ;; esac; done < "$d/status"; } 2>/dev/null
  printf 'u %s %s %s\\n' "$uid" "$rss" "$thr"
  printf 'q %s %s\\n' "$cgt" "$ign"
  { while read -r l; do printf 'g %s\\n' "$l"; done < "$d/cgroup"; } 2>/dev/null
  printf 'c '
  od -An -v -tx1 -N ${CMDLINE_MAX_BYTES} "$d/cmdline" 2>/dev/null | tr -d ' \\n'
  printf '\\ne\\n'
  n=$((n + 1))
done
printf 'z %s\\n' "$n"
`;

/** The arguments of {@link COLLECT_SCRIPT}: the CPU sample in whole seconds, checked (0 to 9). */
export function collectArgs(sampleSeconds: number = DEFAULT_CPU_SAMPLE_SECONDS): string[] {
  if (!Number.isInteger(sampleSeconds) || sampleSeconds < 0 || sampleSeconds > MAX_CPU_SAMPLE_SECONDS)
    throw new RangeError(`the CPU sample must be a whole number of seconds from 0 to ${MAX_CPU_SAMPLE_SECONDS}`);
  return [String(sampleSeconds)];
}

/** Exit codes of {@link SIGNAL_SCRIPT}. */
export const SignalExit = {
  sent: 0,
  gone: 3,
  changed: 4,
  killFailed: 5,
  toolMissing: 6,
  /** The kernel would drop the signal (a namespace's init without a handler for it, an ignored signal): not sent. */
  dropped: 7,
} as const;

/** The line SIGNAL_SCRIPT prints right before `kill`: output that has it and no end means the kill was made. */
export const SIGNAL_SENDING_MARKER = "pns: sending";

/**
 * Sends a signal only if the process is still the one that was listed, and only if the kernel would deliver it.
 *
 * Arguments: `<pid> <signal name> <start ticks> <sha256 of the cmdline's hex>`, where the hex is what the collector
 * prints on its `c` line. Exits with {@link SignalExit}; prints `pns: …` lines saying what it found. Every line of
 * stat is read (a comm may hold newlines) and the fields are taken after its last `) `, which no comm can move.
 * Before `kill` it reads SigCgt/SigIgn of /proc/PID/status and refuses (`pns: dropped <reason>`, exit
 * {@link SignalExit.dropped}) what core's `signalDelivery` calls dropped: KILL/STOP to PID 1, a signal PID 1 has no
 * handler for, an ignored signal, WINCH without a handler. Then it prints {@link SIGNAL_SENDING_MARKER}, so a stream
 * cut by the target's exit (which kills a debug container joined to its namespace) still tells the kill was made.
 * Right before `kill` it prints `pns: at <epoch s>`: the node's clock, which stamps the container's logs, so the
 * evidence's log window starts there (`date +%s`: busybox's date has no `%N`).
 */
export const SIGNAL_SCRIPT = `export LC_ALL=C
pid=$1 sig=$2 want_start=$3 want_cmd=$4
st=
{ while IFS= read -r l; do st="$st$l "; done < "/proc/$pid/stat"; } 2>/dev/null
[ -n "$st" ] || { printf 'pns: gone\\n'; exit ${SignalExit.gone}; }
rest=\${st##*) }
set -f
set -- $rest
start=\${20}
command -v sha256sum >/dev/null 2>&1 || { printf 'pns: sha256sum missing\\n'; exit ${SignalExit.toolMissing}; }
cmd=$(od -An -v -tx1 -N ${CMDLINE_MAX_BYTES} "/proc/$pid/cmdline" 2>/dev/null | tr -d ' \\n' | sha256sum)
cmd=\${cmd%% *}
if [ "$start" != "$want_start" ] || [ "$cmd" != "$want_cmd" ]; then
  printf 'pns: changed start=%s\\n' "$start"
  exit ${SignalExit.changed}
fi
n=0
case $sig in ${Object.entries(SIGNALS)
  .map(([name, number]) => `${name}) n=${number} ;;`)
  .join(" ")} esac
cgt= ign= drop=
{ while read -r k a _; do case $k in SigCgt:) cgt=$a ;; SigIgn:) ign=$a ;; esac; done < "/proc/$pid/status"; } 2>/dev/null
if [ "$sig" = CONT ] || [ "$n" = 0 ]; then :
elif [ "$pid" = 1 ] && { [ "$sig" = KILL ] || [ "$sig" = STOP ]; }; then drop=init_uncatchable
elif [ \${#cgt} = 16 ] && [ \${#ign} = 16 ]; then
  case $cgt$ign in
  *[!0-9a-f]*) ;;
  *)
    if [ $(( (0x\${cgt#????????} >> (n - 1)) & 1 )) = 1 ]; then :
    elif [ $(( (0x\${ign#????????} >> (n - 1)) & 1 )) = 1 ]; then drop=ignored
    elif [ "$pid" = 1 ]; then drop=init_no_handler
    elif [ "$sig" = WINCH ]; then drop=ignored_by_default
    fi ;;
  esac
fi
[ -z "$drop" ] || { printf 'pns: dropped %s\\n' "$drop"; exit ${SignalExit.dropped}; }
printf 'pns: at %s\\n' "$(date +%s 2>/dev/null)"
printf '%s\\n' '${SIGNAL_SENDING_MARKER}'
kill -s "$sig" "$pid" || exit ${SignalExit.killFailed}
printf 'pns: sent\\n'
`;

/** Exit codes of {@link READ_FILE_SCRIPT}. */
export const ReadFileExit = {
  ok: 0,
  /** A component of the path does not exist (or is not a directory). */
  missing: 3,
  directory: 4,
  /** The process's own uid and groups may not read the file or search a directory on the way. */
  unreadable: 5,
  /** Not a regular file: a FIFO, socket or device, or a path into the kernel's /proc or /sys (`/dev/stdout`). */
  special: 6,
  /** A secret path (a protected prefix or pattern given as an argument). */
  secret: 7,
  /** The debug container may not look into the process's root or a directory in it (ptrace access, its own uid). */
  noAccess: 8,
  /** More than {@link MAX_SYMLINK_HOPS} symbolic links. */
  tooManyLinks: 9,
  /** The debug image lacks `stat`, `readlink` or `od`. */
  toolMissing: 10,
  /** No such process. */
  gone: 11,
} as const;

/** Symbolic links followed for one path before giving up, as the kernel's MAXSYMLINKS (include/linux/namei.h). */
export const MAX_SYMLINK_HOPS = 40;

/**
 * Prints the first bytes of a regular file as a process of another container sees it, below `/proc/<pid>/root`.
 *
 * Arguments: `<pid> <absolute path> <max bytes> [dir:<path> | glob:<pattern>]…`; each `dir:` protects a directory (or
 * file) and everything below it, each `glob:` a `case` pattern (`*` spans `/`) on the path: a path that matches, as
 * asked or once resolved, is refused.
 *
 * The kernel's `/proc/<pid>/root` only moves the starting point (fs/proc/base.c `proc_root_link` returns the task's
 * fs->root; access needs ptrace-read, `proc_fd_access_allowed`); an absolute symlink met on the way restarts at the
 * *reader's* root (fs/namei.c `nd_jump_root` → `set_root`: current->fs->root), so the kernel would read the debug
 * container's own file. The script therefore walks the path itself, one component at a time: an absolute link target
 * restarts at the target's root, a relative one continues in the link's directory, `..` never climbs above the root,
 * at most {@link MAX_SYMLINK_HOPS} links. It reads regular files only and never steps into `/proc` or `/sys` (a link
 * to `/dev/stdout` leads there: the container's output, which a read would wait on forever).
 *
 * Every directory on the way must be searchable and the file readable by the process itself: the owner bits when its
 * fsuid owns the file, else the group bits when its fsgid or a supplementary group is the file's, else the other
 * bits (fs/namei.c `acl_permission_check`), unless its effective capabilities hold CAP_DAC_OVERRIDE or
 * CAP_DAC_READ_SEARCH (`generic_permission`). ACLs and LSMs are not looked at. The debug container must be able to
 * search and read too (its own uid, or root with CAP_DAC_OVERRIDE).
 *
 * Exits with {@link ReadFileExit}. Standard output is the file's first `<max bytes>`; standard error holds lines
 * `pns: <what> [<hex>]`, paths in lowercase hex of their bytes (a path may hold a newline): `file <resolved>` before
 * the content; `gone`, `tools`; `noaccess`, `missing`, `notdir`, `loop`, `directory`, `fifo`, `socket`, `device`,
 * `other`, `kernel` with the path concerned; `denied <path>` after `as <fsuid> <fsgid>`; `secret <rule>`; `via <link>`
 * (the last link followed) before any of these. A file swapped for a link between the walk and `head` is still
 * opened by the kernel's own lookup.
 */
export const READ_FILE_SCRIPT = `export LC_ALL=C
pid=$1 want=$2 max=$3
shift 3
root=/proc/$pid/root
nl='
'
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \\n'; }
say() { printf 'pns: %s %s\\n' "$1" "$(hex "$2")" >&2; }
for t in stat readlink od head; do
  command -v "$t" >/dev/null 2>&1 || { printf 'pns: tools %s\\n' "$t" >&2; exit ${ReadFileExit.toolMissing}; }
done
[ -r "/proc/$pid/status" ] || { printf 'pns: gone\\n' >&2; exit ${ReadFileExit.gone}; }
[ -d "$root/" ] || { say noaccess /; exit ${ReadFileExit.noAccess}; }
uid= gid= groups= cap=
{ while read -r k v; do
  case $k in Uid:) uid=\${v##*[!0-9]} ;; Gid:) gid=\${v##*[!0-9]} ;; Groups:) groups=$v ;; CapEff:) cap=$v ;; esac
done < "/proc/$pid/status"; } 2>/dev/null
case \${cap#"\${cap%?}"} in [2-7a-fA-F]) dac=y ;; *) dac= ;; esac
may() {
  [ -n "$dac" ] && return 0
  m=$(stat -c '%u %g %a' "$2" 2>/dev/null) || return 2
  set -f
  set -- "$1" $m
  set +f
  a=00$4
  a=\${a#"\${a%???}"}
  if [ "$2" = "$uid" ]; then b=\${a%??}
  else
    case " $groups " in *" $3 "*) b=\${a#?} ;; *) if [ "$3" = "$gid" ]; then b=\${a#?}; else b=\${a#??}; fi ;; esac
    b=\${b%\${b#?}}
  fi
  [ $((b & $1)) -ne 0 ]
}
check() {
  [ -n "$perm" ] || return 0
  may "$1" "$2"
  case $? in 0) ;; 1) why=denied ;; *) why=noaccess ;; esac
  [ -z "$why" ] || return 1
  if [ "$1" = 1 ]; then [ -x "$2" ] || why=noaccess; else [ -r "$2" ] || why=noaccess; fi
  [ -z "$why" ]
}
walk() {
  cur= rest=$1 hops=0 link= why= at= perm=$2
  while [ -n "$rest" ]; do
    c=\${rest%%/*}
    case $rest in */*) rest=\${rest#*/} ;; *) rest= ;; esac
    case $c in '' | .) continue ;; ..) cur=\${cur%/*}; continue ;; esac
    check 1 "$root$cur/" || { at=\${cur:-/}; return 1; }
    next=$cur/$c
    if [ -h "$root$next" ]; then
      hops=$((hops + 1))
      [ "$hops" -le ${MAX_SYMLINK_HOPS} ] || { why=loop at=$next; return 1; }
      t=$(readlink "$root$next"; printf x)
      t=\${t%x}
      t=\${t%"$nl"}
      [ -n "$t" ] || { why=missing at=$next; return 1; }
      link=$next
      case $t in /*) cur= ;; esac
      rest=$t\${rest:+/$rest}
      continue
    fi
    [ -e "$root$next" ] || { why=missing at=$next; return 1; }
    cur=$next
    case $cur in /proc | /sys) why=kernel at=$cur; return 1 ;; esac
    [ -z "$rest" ] || [ -d "$root$cur" ] || { why=notdir at=$cur; return 1; }
  done
}
fail() {
  [ -z "$link" ] || say via "$link"
  [ "$why" != denied ] || printf 'pns: as %s %s\\n' "$uid" "$gid" >&2
  say "$why" "$at"
  case $why in
    missing | notdir) exit ${ReadFileExit.missing} ;;
    denied) exit ${ReadFileExit.unreadable} ;;
    noaccess) exit ${ReadFileExit.noAccess} ;;
    loop) exit ${ReadFileExit.tooManyLinks} ;;
    directory) exit ${ReadFileExit.directory} ;;
    *) exit ${ReadFileExit.special} ;;
  esac
}
secret() { say secret "$1"; exit ${ReadFileExit.secret}; }
protect() {
  for p; do
    case $p in
      dir:*) d=\${p#dir:}; case $1 in "$d" | "$d"/*) secret "$d" ;; esac ;;
      glob:*) g=\${p#glob:}; case $1 in $g) secret "$g" ;; esac ;;
    esac
  done
}
protect "$want" "$@"
walk "$want" y || fail
file=\${cur:-/} via=$link
protect "$file" "$@"
for p; do
  case $p in dir:*) d=\${p#dir:}; if walk "$d" ''; then case $file in "\${cur:-/}" | "\${cur:-/}"/*) secret "$d" ;; esac; fi ;; esac
done
link=$via at=$file
if [ -d "$root$file" ]; then why=directory; fail; fi
if [ ! -f "$root$file" ]; then
  if [ -p "$root$file" ]; then why=fifo; elif [ -S "$root$file" ]; then why=socket
  elif [ -c "$root$file" ] || [ -b "$root$file" ]; then why=device; else why=other; fi
  fail
fi
perm=y why=
check 4 "$root$file" || fail
[ -z "$link" ] || say via "$link"
say file "$file"
# Not exec: the watchdog prologue's EXIT trap must run to end the watchdog, which holds stderr open.
head -c "$max" "$root$file"
`;

/** Seconds a script may run in the container before its watchdog ends it, unless told otherwise. @default 60 */
export const DEFAULT_SCRIPT_TIMEOUT_SECONDS = 60;

/** Exit status of a script its watchdog ended (as timeout(1) exits). */
export const SCRIPT_TIMED_OUT_EXIT = 124;

/**
 * Put before every script by {@link scriptArgv}: bounds it to `$1` seconds inside the container, whatever happens to
 * the exec's client (the runtime keeps an exec running after its stream closes: containerd/cri#1256,
 * kubernetes/kubernetes#89031). Not busybox `timeout`: it daemonizes its watcher (busybox coreutils/timeout.c
 * `bb_daemonize_or_rexec`), which, in a debug container joined to the app's PID namespace, is re-parented to the
 * app's PID 1 on every run; and an image may lack it.
 *
 * The watchdog is a child of the script's shell and waits with `wait`, so a TERM from the shell's EXIT trap ends it
 * at once, sleep included: nothing outlives the script. When the time is up it prints `pns: timed out after N s` on
 * stderr, TERMs the shell (which exits 124 once its current command ends), then KILLs the shell's descendants
 * deepest first, so each dies while its parent still reaps it: no orphan is re-parented to the app. A shell stuck
 * in a write gets KILL two seconds later, while it is still the watchdog's parent (its PID cannot have been reused).
 * Its `sleep` holds none of the exec's streams: were it ever left behind, it could not keep the exec open.
 *
 * The watchdog ends its own `sleep` with KILL, not TERM. A script that ends at once TERMs the watchdog right after
 * it forks that `sleep`; the child still has the shell's TERM handler until it resets its signals and execs (dash
 * 0.5.12 src/jobs.c `forkchild` → `forkreset`, src/trap.c `onsig`), so a TERM then is taken by the handler and lost,
 * and `wait` waited for the whole `sleep`: under dash about one quick script in ten ran to its timeout and exited
 * 124 (test/system/signal-script.test.ts, "exits 3 under dash", caught it; busybox sh lost it as often). KILL has no
 * handler to lose it. That `wait` is silenced: bash reports a child killed by KILL on stderr (`pns: line 1: N Killed`),
 * which is the read-file report's channel.
 */
export const WATCHDOG_PROLOGUE = `pns_t=$1
shift
case $pns_t in ''|*[!0-9]*) pns_t=${DEFAULT_SCRIPT_TIMEOUT_SECONDS} ;; esac
(
  trap 'kill -KILL $! 2>/dev/null; wait 2>/dev/null; exit 0' TERM
  sleep "$pns_t" </dev/null >/dev/null 2>&1 &
  wait $! || exit 0
  trap 'exit 0' TERM
  printf 'pns: timed out after %s s\\n' "$pns_t" >&2
  me= pp=
  read -r me _ < /proc/self/stat
  kill -TERM $$ 2>/dev/null
  level=" $$ " victims=
  while [ -n "$level" ]; do
    next=
    for d in /proc/[0-9]*; do
      p=\${d#/proc/}
      [ "$p" = "$me" ] && continue
      st=
      { while IFS= read -r l; do st="$st$l "; done < "$d/stat"; } 2>/dev/null
      [ -n "$st" ] || continue
      set -- \${st##*) }
      case $level in *" $2 "*) next="$next$p " ;; esac
    done
    victims="$next$victims"
    level=\${next:+" $next"}
  done
  [ -z "$victims" ] || kill -KILL $victims 2>/dev/null
  trap 'kill -KILL $! 2>/dev/null; wait 2>/dev/null; exit 0' TERM
  sleep 2 &
  wait $!
  trap 'exit 0' TERM
  st=
  { while IFS= read -r l; do st="$st$l "; done < /proc/self/stat; } 2>/dev/null
  set -- \${st##*) }
  [ "$2" != "$$" ] || kill -KILL $$ 2>/dev/null
) >/dev/null &
pns_w=$!
trap 'exit ${SCRIPT_TIMED_OUT_EXIT}' TERM
trap 'kill -TERM $pns_w 2>/dev/null; wait $pns_w 2>/dev/null' EXIT
`;

/** Options of {@link scriptArgv}. */
export interface ScriptOptions {
  /** Seconds the script may run in the container. @default 60 */
  timeoutSeconds?: number;
}

/**
 * The argv that runs a script with its positional arguments, bounded in the container by {@link WATCHDOG_PROLOGUE}:
 * `["sh", "-c", prologue + script, "pns", <timeout seconds>, ...args]` (the prologue shifts its own argument away).
 */
export function scriptArgv(script: string, args: readonly string[] = [], options: ScriptOptions = {}): string[] {
  const seconds = options.timeoutSeconds ?? DEFAULT_SCRIPT_TIMEOUT_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600)
    throw new RangeError("a script's timeout must be a whole number of seconds from 1 to 3600");
  return ["sh", "-c", WATCHDOG_PROLOGUE + script, SCRIPT_NAME, String(seconds), ...args];
}

/** The script and its own arguments from an argv made by {@link scriptArgv}; null for any other argv. */
export function unwrapScriptArgv(
  argv: readonly string[],
): { script: string; args: string[]; timeoutSeconds: number } | null {
  const [, flag, text, , seconds, ...args] = argv;
  if (flag !== "-c" || text === undefined || !text.startsWith(WATCHDOG_PROLOGUE) || seconds === undefined) return null;
  return { script: text.slice(WATCHDOG_PROLOGUE.length), args, timeoutSeconds: Number(seconds) };
}
