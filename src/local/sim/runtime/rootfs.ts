import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { imageName, NGINX_CONF } from "../images.js";
import type { ImageUser } from "./security.js";

/** A read-only bind mount of a host path into a container. */
export interface BindMount {
  source: string;
  destination: string;
}

/** An image the real runtime can run, made from this machine's packages. */
export interface HostImage {
  /** `busybox` or `nginx`. */
  kind: "busybox" | "nginx";
  user: ImageUser;
  /** The image's entrypoint + cmd when the pod sets neither command nor args. */
  defaultArgs: string[];
  /** `docker.io/library/<name>@sha256:<digest of the host binary>`, as the status's imageID. */
  imageId: string;
  /** Fills a fresh rootfs directory and returns the binds it needs. */
  populate(rootfs: string, podName: string): BindMount[];
}

const BUSYBOX = "/usr/bin/busybox";
const NGINX = "/usr/sbin/nginx";

const BUSYBOX_PASSWD =
  "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
const BUSYBOX_GROUP = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nwww-data:x:33:\nnogroup:x:65534:\n";
const NGINX_PASSWD =
  "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\n";
const NGINX_GROUP = "root:x:0:\ndaemon:x:1:\nwww-data:x:33:\nnogroup:x:65534:\nnginx:x:101:\n";
const NGINX_DEFAULT_SITE =
  "server {\n    listen       80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n";

let applets: string[] | null = null;
const digests = new Map<string, string>();

function digestOf(path: string): string {
  let d = digests.get(path);
  if (!d) {
    d = createHash("sha256").update(readFileSync(path)).digest("hex");
    digests.set(path, d);
  }
  return d;
}

function write(root: string, path: string, content: string, mode = 0o644): void {
  const full = join(root, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, content, { mode });
}

function dirs(root: string, paths: string[]): void {
  for (const p of paths) mkdirSync(join(root, p), { recursive: true });
}

function etcCommon(root: string, podName: string): void {
  // The kubelet writes /etc/hostname and /etc/hosts for every container.
  write(root, "/etc/hostname", `${podName}\n`);
  write(root, "/etc/hosts", `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
}

const busybox: HostImage = {
  kind: "busybox",
  user: { uid: 0, gid: 0 },
  defaultArgs: ["sh"],
  get imageId() {
    return `docker.io/library/busybox@sha256:${digestOf(BUSYBOX)}`;
  },
  populate(root, podName) {
    dirs(root, ["bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "usr/sbin", "var/www"]);
    applets ??= execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" })
      .split("\n")
      .filter((a) => /^[a-z0-9_.-]+$/i.test(a) && a !== "busybox");
    writeFileSync(join(root, "bin/busybox"), "", { mode: 0o755 });
    for (const a of applets) symlinkSync("busybox", join(root, "bin", a));
    write(root, "/etc/passwd", BUSYBOX_PASSWD);
    write(root, "/etc/group", BUSYBOX_GROUP);
    etcCommon(root, podName);
    return [{ source: BUSYBOX, destination: "/bin/busybox" }];
  },
};

const nginx: HostImage = {
  kind: "nginx",
  user: { uid: 0, gid: 0 },
  defaultArgs: ["nginx", "-g", "daemon off;"],
  get imageId() {
    return `docker.io/library/nginx@sha256:${digestOf(NGINX)}`;
  },
  populate(root, podName) {
    // Debian's layout (the official image is Debian): /usr from the host, merged-/usr links, a writable rest.
    dirs(root, ["usr", "dev", "proc", "sys", "tmp", "root", "run", "etc/nginx/conf.d", "var/cache/nginx"]);
    dirs(root, ["var/lib/nginx", "var/log/nginx"]);
    for (const l of ["bin", "lib", "lib64", "sbin"])
      if (existsSync(`/usr/${l}`)) symlinkSync(`usr/${l}`, join(root, l));
    symlinkSync("/run", join(root, "var/run"));
    write(root, "/etc/passwd", NGINX_PASSWD);
    write(root, "/etc/group", NGINX_GROUP);
    write(root, "/etc/nginx/nginx.conf", NGINX_CONF);
    write(root, "/etc/nginx/conf.d/default.conf", NGINX_DEFAULT_SITE);
    copyFileSync("/etc/nginx/mime.types", join(root, "etc/nginx/mime.types"));
    // Without the loader cache, Debian's multiarch libraries are not found.
    copyFileSync("/etc/ld.so.cache", join(root, "etc/ld.so.cache"));
    // As the official image does: its logs are the container's stdout and stderr.
    symlinkSync("/dev/stdout", join(root, "var/log/nginx/access.log"));
    symlinkSync("/dev/stderr", join(root, "var/log/nginx/error.log"));
    etcCommon(root, podName);
    return [{ source: "/usr", destination: "/usr" }];
  },
};

/** The host image for an image reference, or null when the machine has none (`ErrImagePull`). */
export function hostImageOf(image: string): HostImage | null {
  const name = imageName(image);
  if (name.includes("busybox") && existsSync(BUSYBOX)) return busybox;
  if (name.startsWith("nginx") && existsSync(NGINX)) return nginx;
  return null;
}

/** The pull error message for an image this machine cannot run. */
export function pullErrorOf(image: string): string {
  return `Failed to pull image "${image}": the local runtime has no image "${image}": it runs busybox* (busybox-static) and nginx* (nginx) from this machine`;
}
