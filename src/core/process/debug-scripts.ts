/**
 * The constant scripts of `/pns ports` and `/pns inspect`, run like those of `scripts.ts`: as
 * `["sh", "-c", SCRIPT, "pns", args…]`, user input only as validated positional arguments. Besides the tools of
 * `scripts.ts` they use `ls` (ports: one `ls -l` of each process's fd directory, where the socket inodes show) and
 * `readlink` (inspect: cwd and exe).
 */

/** Bytes of /proc/PID/environ `/pns inspect` reads. @default 64 KiB */
export const ENVIRON_MAX_BYTES = 65_536;

/** Exit code of {@link INSPECT_SCRIPT} when the process is gone. */
export const INSPECT_GONE_EXIT = 3;

/**
 * Prints the pod's socket tables and, per process, the sockets among its open files.
 *
 * Output (lines):
 * ```
 * h pns-ports/1 self=<pid of this shell>
 * x <tool>                the image lacks this tool (ls): no `f` lines follow
 * n <tcp|tcp6|udp|udp6>   a table starts; its lines follow as they are
 * l <line of /proc/net/…>
 * p <pid> <uid>           a process starts
 * f <inode>               a socket among its fds (`/proc/PID/fd/N -> socket:[inode]`)
 * d                       some of its fds (or its fd directory) could not be read
 * e                       the process ends
 * z <processes>           the output is complete
 * ```
 * The tables are the network namespace's, which every container of a pod shares. Reading another process's fd
 * links needs ptrace access (linux fs/proc/fd.c `proc_fd_link` → `proc_fd_access_allowed`): the same uid, or
 * CAP_SYS_PTRACE; what cannot be read is marked `d`, never guessed.
 */
export const PORTS_SCRIPT = `export LC_ALL=C
printf 'h pns-ports/1 self=%s\\n' "$$"
ls=y
command -v ls >/dev/null 2>&1 || { ls=; printf 'x ls\\n'; }
for t in tcp tcp6 udp udp6; do
  printf 'n %s\\n' "$t"
  { while IFS= read -r l; do printf 'l %s\\n' "$l"; done < "/proc/net/$t"; } 2>/dev/null
done
n=0
for d in /proc/[0-9]*; do
  p=\${d#/proc/}
  [ "$p" = "$$" ] && continue
  uid=
  { while read -r k a _; do [ "$k" = Uid: ] && uid=$a; done < "$d/status"; } 2>/dev/null
  [ -n "$uid" ] || continue
  printf 'p %s %s\\n' "$p" "$uid"
  if [ -n "$ls" ]; then
    ls -l "$d/fd/" 2>&1 | while IFS= read -r l; do
      case $l in
        *'-> socket:['*) i=\${l##*socket:[}; printf 'f %s\\n' "\${i%%]*}" ;;
        *'ermission denied'*) printf 'd\\n' ;;
      esac
    done
  fi
  printf 'e\\n'
  n=$((n + 1))
done
printf 'z %s\\n' "$n"
`;

/**
 * Prints what `/pns inspect` shows of one process. Arguments: `<pid> <max environ bytes>`; exits
 * {@link INSPECT_GONE_EXIT} when there is no such process.
 *
 * Output (lines; what cannot be read is a `d <what>` line instead):
 * ```
 * h pns-inspect/1 self=<pid of this shell>
 * s <line of /proc/PID/status>     Uid, Gid, Threads, CapEff, NoNewPrivs, Seccomp …
 * l <line of /proc/PID/limits>
 * v <hex of /proc/PID/environ>     | d environ
 * n <open fds>                     | d fd
 * k cwd <hex of the link>          | d cwd
 * k exe <hex of the link>          | d exe
 * u <line of uid_map>   g <line of gid_map>   c <line of cgroup>
 * m <cgroup file> <first line>     the process's own cgroup files, through /proc/PID/root/sys/fs/cgroup | d root
 * z
 * ```
 * environ, fd, cwd, exe and root need ptrace access (linux fs/proc/base.c `proc_mem_open`, `proc_fd_access_allowed`,
 * `proc_root_link`); status, limits, the maps and cgroup are world-readable.
 */
export const INSPECT_SCRIPT = `export LC_ALL=C
d=/proc/$1
{ read -r _ < "$d/stat"; } 2>/dev/null || { printf 'pns: gone\\n' >&2; exit ${INSPECT_GONE_EXIT}; }
printf 'h pns-inspect/1 self=%s\\n' "$$"
{ while IFS= read -r l; do printf 's %s\\n' "$l"; done < "$d/status"; } 2>/dev/null
{ while IFS= read -r l; do printf 'l %s\\n' "$l"; done < "$d/limits"; } 2>/dev/null
if { : < "$d/environ"; } 2>/dev/null; then
  printf 'v '
  od -An -v -tx1 -N "$2" "$d/environ" 2>/dev/null | tr -d ' \\n'
  printf '\\n'
else
  printf 'd environ\\n'
fi
set -- "$d"/fd/*
if [ -e "$1" ] || [ -L "$1" ]; then printf 'n %s\\n' "$#"; else printf 'd fd\\n'; fi
for k in cwd exe; do
  if t=$(readlink "$d/$k" 2>/dev/null); then
    printf 'k %s ' "$k"
    printf '%s' "$t" | od -An -v -tx1 | tr -d ' \\n'
    printf '\\n'
  else
    printf 'd %s\\n' "$k"
  fi
done
{ while IFS= read -r l; do printf 'u %s\\n' "$l"; done < "$d/uid_map"; } 2>/dev/null
{ while IFS= read -r l; do printf 'g %s\\n' "$l"; done < "$d/gid_map"; } 2>/dev/null
{ while IFS= read -r l; do printf 'c %s\\n' "$l"; done < "$d/cgroup"; } 2>/dev/null
r=$d/root/sys/fs/cgroup
if cd "$d/root/" 2>/dev/null; then
  cd /
  for f in memory.max memory.current memory.peak cpu.max pids.max pids.current memory/memory.limit_in_bytes memory/memory.usage_in_bytes memory/memory.max_usage_in_bytes cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuacct/cpuacct.usage; do
    v=
    { read -r v < "$r/$f"; } 2>/dev/null && printf 'm %s %s\\n' "$f" "$v"
  done
  { while read -r k v; do printf 'm cpu.stat.%s %s\\n' "$k" "$v"; done < "$r/cpu.stat"; } 2>/dev/null
else
  printf 'd root\\n'
fi
printf 'z\\n'
`;
