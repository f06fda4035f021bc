/** What the simulator knows about container images: default processes, `ps` flavour and files. */

/** A simulated file. */
export interface SimFile {
  content: string;
  /** Permission bits. @default 0o644 */
  mode: number;
  uid: number;
  /** The owning group. @default the uid */
  gid?: number;
  /** A symbolic link to this path (absolute links resolve against the reader's root under /proc/PID/root). */
  link?: string;
  /** A named pipe: reading it blocks. */
  fifo?: true;
  /** A directory made on purpose (with its own mode and owner); others are implied by the paths below them. */
  dir?: true;
  /** A character device (`/dev/null`). */
  device?: true;
}

/**
 * What the OCI runtime puts in every container's /dev: stdio links into /proc/self/fd (runc
 * libcontainer/rootfs_linux.go `setupDevSymlinks`) and the default devices.
 */
const DEV_FILES: Record<string, SimFile> = {
  "/dev/fd": { content: "", mode: 0o777, uid: 0, link: "/proc/self/fd" },
  "/dev/stdin": { content: "", mode: 0o777, uid: 0, link: "/proc/self/fd/0" },
  "/dev/stdout": { content: "", mode: 0o777, uid: 0, link: "/proc/self/fd/1" },
  "/dev/stderr": { content: "", mode: 0o777, uid: 0, link: "/proc/self/fd/2" },
  "/dev/null": { content: "", mode: 0o666, uid: 0, device: true },
  "/dev/zero": { content: "", mode: 0o666, uid: 0, device: true },
};

/** A process an image starts, before PIDs are given. */
export interface ProcessPlan {
  args: string[];
  comm: string;
  uid: number;
  rssKb: number;
  /** Children started by this process (nginx workers). */
  children: ProcessPlan[];
  /** Signals the program installs a handler for (its SigCgt); a namespace's init gets only these from inside. */
  handles?: number[];
  /** Signals the program ignores (its SigIgn). */
  ignores?: number[];
  /** False once the program changed its uid (setuid makes it non-dumpable: ptrace-read needs CAP_SYS_PTRACE). */
  dumpable?: boolean;
  /** The collector's runtime markers its /proc/PID/maps and binary hold (`libjvm.so`, `c000000000-`, `go-buildid`). */
  markers?: string[];
}

/** Programs of the seed scenario's images that are Go binaries (their maps show the Go heap, their binary the note). */
const GO_PROGRAMS = new Set(["/agent", "/app/api"]);

/** What the collector would find in the maps and the binary of a program started as `args`. */
export function markersOf(args: readonly string[]): string[] {
  const program = args[0] ?? "";
  const base = program.split("/").pop() ?? program;
  if (base === "java") return ["libjvm.so"];
  // The official python images build CPython with --enable-shared: libpython is mapped.
  if (/^python\d*(?:\.\d+)?$/.test(base)) return ["libpython"];
  if (GO_PROGRAMS.has(program)) return ["c000000000-", "go-buildid"];
  return [];
}

/** nginx's signal handlers (nginx src/os/unix/ngx_process.c `signals`): HUP, INT, QUIT, USR1, USR2, ALRM, TERM, CHLD, WINCH, IO. */
const NGINX_HANDLES = [1, 2, 3, 10, 12, 14, 15, 17, 28, 29];

/** An image's traits. */
export interface ImageProfile {
  /** `busybox` prints `PID   USER     TIME  COMMAND`; `procps` the Debian ps. */
  ps: "busybox" | "procps";
  files: Record<string, SimFile>;
  /** The processes started when the pod spec sets neither command nor args. */
  defaultPlan: (uid: number) => ProcessPlan;
}

/** The default nginx.conf of the nginx image, as the task page prints it. */
export const NGINX_CONF = `user nginx;
worker_processes 1;

error_log /var/log/nginx/error.log notice;
pid /var/run/nginx.pid;


events {
    worker_connections 1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`;

const BUSYBOX_PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;

const DEBIAN_PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;

const NGINX_PASSWD = `${DEBIAN_PASSWD}nginx:x:101:101:nginx user:/nonexistent:/bin/false
`;

const POSTGRES_PASSWD = `${DEBIAN_PASSWD}postgres:x:999:999::/var/lib/postgresql:/bin/bash
`;

function file(content: string, mode = 0o644, uid = 0): SimFile {
  return { content, mode, uid };
}

/** The plan of a literal argv (command + args of a pod spec). */
export function planOf(args: string[], uid: number, rssKb = 2048): ProcessPlan {
  const comm = commOf(args[0] ?? "");
  return { args, comm, uid, rssKb, children: [], handles: handlesOf(comm), markers: markersOf(args) };
}

/** What a program catches: sleep and the like nothing, shells INT and CHLD, servers the usual shutdown signals. */
function handlesOf(comm: string): number[] {
  if (["sleep", "true", "false", "cat", "tail"].includes(comm)) return [];
  if (["sh", "ash", "bash", "dash"].includes(comm)) return [2, 17];
  return [1, 2, 3, 10, 12, 15, 17];
}

/** The kernel's `comm` of a program: its base name, at most 15 bytes. */
export function commOf(program: string): string {
  const base = program.split("/").pop() ?? program;
  return base.slice(0, 15);
}

/** The nginx master with its worker, as the nginx image starts them. */
export function nginxPlan(uid: number): ProcessPlan {
  return {
    args: ["nginx: master process nginx -g daemon off;"],
    comm: "nginx",
    uid,
    rssKb: 5312,
    children: [nginxWorkerPlan()],
    handles: NGINX_HANDLES,
  };
}

/** One nginx worker (uid 101, the image's `nginx` user). */
export function nginxWorkerPlan(): ProcessPlan {
  return {
    args: ["nginx: worker process"],
    comm: "nginx",
    uid: 101,
    rssKb: 2860,
    children: [],
    handles: NGINX_HANDLES,
    dumpable: false,
  };
}

/** The repository name of an image reference (`docker.io/library/nginx:1.27` → `nginx`). */
export function imageName(image: string): string {
  const noDigest = image.split("@")[0] ?? image;
  const last = noDigest.split("/").pop() ?? noDigest;
  return (last.split(":")[0] ?? last).toLowerCase();
}

/** The profile of an image. */
export function profileOf(image: string, podName: string): ImageProfile {
  const name = imageName(image);
  const hostname = { ...DEV_FILES, "/etc/hostname": file(`${podName}\n`) };
  if (name === "nginx") {
    return {
      ps: "procps",
      files: {
        ...hostname,
        "/etc/passwd": file(NGINX_PASSWD),
        "/etc/nginx/nginx.conf": file(NGINX_CONF),
        "/etc/nginx/conf.d/default.conf": file(
          "server {\n    listen       80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n",
        ),
        "/usr/share/nginx/html/index.html": file("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n"),
        // As in the official image: the logs are the container's stdout and stderr.
        "/var/log/nginx/access.log": { content: "", mode: 0o777, uid: 0, link: "/dev/stdout" },
        "/var/log/nginx/error.log": { content: "", mode: 0o777, uid: 0, link: "/dev/stderr" },
      },
      defaultPlan: nginxPlan,
    };
  }
  if (name === "busybox" || name === "alpine" || name.includes("busybox")) {
    return {
      ps: "busybox",
      files: { ...hostname, "/etc/passwd": file(BUSYBOX_PASSWD) },
      // ash catches INT and CHLD (busybox shell/ash.c).
      defaultPlan: (uid) => ({ args: ["sh"], comm: "sh", uid, rssKb: 620, children: [], handles: [2, 17] }),
    };
  }
  if (name === "postgres") {
    return {
      ps: "procps",
      files: {
        ...hostname,
        "/etc/passwd": file(POSTGRES_PASSWD),
        "/var/lib/postgresql/data/PG_VERSION": file("16\n", 0o600, 999),
      },
      defaultPlan: (uid) => planOf(["postgres"], uid, 28_000),
    };
  }
  return {
    ps: "procps",
    files: { ...hostname, "/etc/passwd": file(DEBIAN_PASSWD) },
    defaultPlan: (uid) => planOf(["/app"], uid),
  };
}

/** The user name of a uid in a container's /etc/passwd, else the uid as text. */
export function userName(passwd: string | undefined, uid: number): string {
  for (const line of (passwd ?? "").split("\n")) {
    const [name, , id] = line.split(":");
    if (name && id === String(uid)) return name;
  }
  return String(uid);
}
