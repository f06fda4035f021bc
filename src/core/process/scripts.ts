/**
 * The constant POSIX `sh` scripts pns runs inside a debug container.
 *
 * They never contain user input: every variable part (a PID, a signal name, a path) is passed as a positional
 * argument after the script, as `["sh", "-c", SCRIPT, "pns", arg1, arg2, …]`, and validated in core first.
 * Each runs under busybox `sh` (ash), dash and bash, using only `read`, `printf`, `od`, `tr`, `head`, `kill`, `sha256sum`,
 * `sleep`.
 */

/** The name given as `$0` to every script, so `ps` inside the pod shows what is running. */
export const SCRIPT_NAME = "pns";

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
 * p <pid>                      a record starts
 * s <the line of /proc/PID/stat>   when stat is one line, as it is unless comm holds a newline
 * x <lowercase hex of /proc/PID/stat>   instead of `s` when it is not
 * u <uid or empty> <VmRSS kB or empty> <Threads or empty>
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
  uid= rss= thr=
  { while read -r k a _; do case $k in Uid:) uid=$a ;; VmRSS:) rss=$a ;; Threads:) thr=$a ;; esac; done < "$d/status"; } 2>/dev/null
  printf 'u %s %s %s\\n' "$uid" "$rss" "$thr"
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
} as const;

/**
 * Sends a signal only if the process is still the one that was listed.
 *
 * Arguments: `<pid> <signal name> <start ticks> <sha256 of the cmdline's hex>`, where the hex is what the collector
 * prints on its `c` line. Exits with {@link SignalExit}; prints `pns: …` lines saying what it found. Every line of
 * stat is read (a comm may hold newlines) and the fields are taken after its last `) `, which no comm can move.
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
kill -s "$sig" "$pid" || exit ${SignalExit.killFailed}
printf 'pns: sent\\n'
`;

/** Exit codes of {@link READ_FILE_SCRIPT}. */
export const ReadFileExit = {
  ok: 0,
  missing: 3,
  directory: 4,
  unreadable: 5,
} as const;

/**
 * Prints the first bytes of a file of another container through `/proc/<pid>/root`.
 *
 * Arguments: `<pid> <absolute path> <max bytes>`. Exits with {@link ReadFileExit}. Following `/proc/<pid>/root`
 * without ptrace access to the process fails with EACCES (linux fs/proc/base.c `proc_pid_get_link` →
 * `proc_fd_access_allowed`), which `[ -e ]` cannot tell from a missing file: the root is checked first.
 */
export const READ_FILE_SCRIPT = `f="/proc/$1/root$2"
[ -d "/proc/$1" ] || { printf 'pns: no such process\\n' >&2; exit ${ReadFileExit.missing}; }
[ -e "/proc/$1/root/" ] || { printf 'pns: permission denied\\n' >&2; exit ${ReadFileExit.unreadable}; }
[ -e "$f" ] || { printf 'pns: no such file\\n' >&2; exit ${ReadFileExit.missing}; }
[ -d "$f" ] && { printf 'pns: is a directory\\n' >&2; exit ${ReadFileExit.directory}; }
[ -r "$f" ] || { printf 'pns: permission denied\\n' >&2; exit ${ReadFileExit.unreadable}; }
head -c "$3" "$f"
`;

/** The argv that runs a script with its positional arguments. */
export function scriptArgv(script: string, args: readonly string[] = []): string[] {
  return ["sh", "-c", script, SCRIPT_NAME, ...args];
}
