/** The input of the process listing bench (bench/process.ts): collector output for n processes of one pod. */
import type { PodLike } from "../src/core/process/attribute.js";

const COMMANDS: string[][] = [
  ["nginx: worker process"],
  ["nginx: master process nginx -g daemon off;"],
  ["/usr/bin/python3", "-m", "gunicorn", "app.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"],
  ["java", "-Xmx512m", "-Dspring.profiles.active=prod", "-Dspring.datasource.password=s3cr3t", "-jar", "/app/app.jar"],
  ["/bin/sh", "-c", "while true; do sleep 30; curl -s http://localhost:8080/healthz; done"],
  ["node", "/srv/dist/server.js", "--port=3000", "--log-level=info"],
  ["postgres: app appdb 10.0.0.12(53412) idle"],
  ["redis-server", "*:6379"],
  ["envoy", "-c", "/etc/envoy/envoy.yaml", "--service-cluster", "frontend", "--token", "abcdef0123456789"],
  ["sleep", "3600"],
  ["mysql", "-h", "db", "-uroot", "-phunter2", "appdb"],
  ["/usr/local/bin/app", "--db-url=postgres://app:pw4242@db:5432/app", "--verbose"],
];

const CONTAINER_ID = "9f1e7c3a5b2d4086".repeat(4);

/** The pod the processes belong to: one container, whose runtime id the cgroup lines name. */
export const POD: PodLike = {
  spec: { containers: [{ name: "app" }], shareProcessNamespace: true },
  status: { containerStatuses: [{ name: "app", containerID: `containerd://${CONTAINER_ID}` }] },
};

/** Collector output as COLLECT_SCRIPT prints it, for `n` processes in a containerd pod (cgroup v2). */
export function collectorOutput(n: number): string {
  // The collector itself (PID n + 1) exited before the listing was parsed: nothing is left out.
  const out: string[] = [`h pns-ps/2 clk=100 btime=1796009612 uptime=86400.12 self=${n + 1} sample=1`];
  const cg = `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5f0c3a4e_9b1d_4c6e_8a2f_3d7b9e1c4a60.slice/cri-containerd-${CONTAINER_ID}.scope`;
  // The two CPU samples a second apart: every process used a few ticks in between.
  for (const [t, extra] of [
    ["86400.12", 0],
    ["86401.12", 3],
  ] as const) {
    out.push(`t ${t}`);
    for (let pid = 1; pid <= n; pid++) out.push(`k ${pid} ${(pid % 977) + extra} ${pid % 131} ${1000 + pid}`);
  }
  for (let pid = 1; pid <= n; pid++) {
    // Every command line differs (a per-process argument), so nothing can be shared between rows.
    const args = [...(COMMANDS[pid % COMMANDS.length] ?? ["sleep"]), `--id=${pid}`];
    const comm = (args[0] ?? "").split("/").pop()?.slice(0, 15) ?? "";
    out.push(
      `p ${pid}`,
      `s ${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 3120 0 0 0 ${pid % 977} ${pid % 131} 0 0 20 0 1 0 ${1000 + pid} 44335104 3346 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0`,
      `u ${pid % 3 === 0 ? 101 : 0} ${1000 + (pid % 5000)} ${1 + (pid % 8)}`,
      `g ${cg}`,
      `c ${Buffer.from(`${args.join("\0")}\0`).toString("hex")}`,
      "e",
    );
  }
  out.push(`z ${n}`);
  // Flat, as the worker gets it from Buffer.toString (a template would make a cons string of 5 MB and a newline).
  out.push("");
  return out.join("\n");
}
