import { describe, expect, it } from "vitest";
import {
  attributeContainers,
  containerIdFromStatus,
  containerIdsOfCgroups,
  containerOf,
  type PodLike,
} from "./attribute.js";
import { aListing, aProcess } from "./test-builders.js";

const id = (c: string) => c.repeat(64);
const uid = "5f0c3a4e-9b1d-4c6e-8a2f-3d7b9e1c4a60";

describe("containerIdsOfCgroups", () => {
  const cases: { name: string; lines: string[]; ids: string[] }[] = [
    {
      name: "containerd cgroupfs v1",
      lines: [
        `12:pids:/kubepods/burstable/pod${uid}/${id("a")}`,
        `1:name=systemd:/kubepods/burstable/pod${uid}/${id("a")}`,
      ],
      ids: [id("a")],
    },
    {
      name: "containerd systemd",
      lines: [
        `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replaceAll("-", "_")}.slice/cri-containerd-${id("b")}.scope`,
      ],
      ids: [id("b")],
    },
    { name: "CRI-O", lines: [`0::/kubepods.slice/kubepods-pod1.slice/crio-${id("c")}.scope`], ids: [id("c")] },
    {
      name: "CRI-O conmon",
      lines: [`0::/kubepods.slice/kubepods-pod1.slice/crio-conmon-${id("c")}.scope`],
      ids: [id("c")],
    },
    { name: "docker cgroupfs", lines: [`4:memory:/docker/${id("d")}`], ids: [id("d")] },
    { name: "docker systemd", lines: [`0::/system.slice/docker-${id("d")}.scope`], ids: [id("d")] },
    { name: "cgroup namespace relative", lines: [`0::/../cri-containerd-${id("e")}.scope`], ids: [id("e")] },
    { name: "own cgroup namespace root", lines: ["0::/"], ids: [] },
    { name: "host process", lines: ["0::/system.slice/kubelet.service"], ids: [] },
    { name: "garbage", lines: ["no colons here", "::", ""], ids: [] },
  ];
  it.each(cases)("finds the ids of $name", ({ lines, ids }) => {
    expect(containerIdsOfCgroups(lines)).toEqual(ids);
  });

  it.each([
    [`containerd://${id("a")}`, id("a")],
    [`cri-o://${id("b")}`, id("b")],
    [`docker://${id("c")}`, id("c")],
    ["", null],
    ["containerd://not-hex", null],
  ])("reads the id of status containerID %s", (containerID, expected) => {
    expect(containerIdFromStatus(containerID)).toBe(expected);
  });
});

describe("attributeContainers", () => {
  const cg = (c: string) => [`0::/kubepods.slice/kubepods-pod.slice/cri-containerd-${id(c)}.scope`];
  const pod: PodLike = {
    spec: {
      shareProcessNamespace: true,
      containers: [{ name: "nginx" }, { name: "shell" }],
      ephemeralContainers: [{ name: "pns-debug-abc12" }, { name: "someone-else" }],
    },
    status: {
      containerStatuses: [
        { name: "nginx", containerID: `containerd://${id("a")}` },
        { name: "shell", containerID: `containerd://${id("b")}` },
      ],
      ephemeralContainerStatuses: [
        { name: "pns-debug-abc12", containerID: `containerd://${id("d")}` },
        { name: "someone-else", containerID: `containerd://${id("f")}` },
      ],
    },
  };
  const listing = aListing(
    [
      aProcess({ pid: 1, ppid: 0, comm: "pause", args: ["/pause"], cgroups: cg("0") }),
      aProcess({ pid: 8, ppid: 0, comm: "nginx", args: ["nginx: master process"], cgroups: cg("a") }),
      aProcess({ pid: 15, ppid: 0, comm: "sh", args: ["sh"], cgroups: cg("b") }),
      aProcess({ pid: 20, ppid: 0, comm: "sleep", args: ["sleep", "1"], cgroups: cg("0") }),
      aProcess({ pid: 30, ppid: 0, comm: "sleep", args: ["sleep", "3600"], cgroups: cg("d") }),
      aProcess({ pid: 31, ppid: 0, comm: "sh", args: ["sh"], cgroups: cg("f") }),
      aProcess({
        pid: 40,
        ppid: 0,
        comm: "sh",
        args: ["sh", "-c", "… printf 'h pns-ps/1 fallback' …", "pns"],
        cgroups: cg("d"),
      }),
      aProcess({ pid: 41, ppid: 40, comm: "od", args: ["od", "-An"], cgroups: cg("d") }),
      aProcess({ pid: 50, ppid: 0, comm: "x", args: ["x"], cgroups: [] }),
    ],
    { selfPid: 40 },
  );
  const out = attributeContainers(listing, pod);
  const roles = Object.fromEntries(out.processes.map((p) => [p.pid, [p.role, p.container]]));

  it.each([
    [1, "pause", null],
    [8, "app", "nginx"],
    [15, "app", "shell"],
    [20, "pause", null],
    [30, "debug", "pns-debug-abc12"],
    [31, "app", "someone-else"],
    [40, "debug", "pns-debug-abc12"],
    [41, "debug", "pns-debug-abc12"],
    [50, "app", null],
  ])("PID %i is %s in %s", (pid, role, container) => {
    expect(roles[pid]).toEqual([role, container]);
  });

  it("attributes a listing again from scratch, as pns does with the pod read a second time", () => {
    const shellUnknown: PodLike = {
      ...pod,
      status: { ...pod.status, containerStatuses: pod.status?.containerStatuses?.slice(0, 1) ?? null },
    };
    const again = attributeContainers(listing, shellUnknown);
    expect(again.processes.map((p) => p.pid)).not.toContain(15);
    expect(again.outside).toEqual({ processes: 1, hostPID: false });
    const third = attributeContainers(listing, pod);
    expect(Object.fromEntries(third.processes.map((p) => [p.pid, [p.role, p.container]]))).toEqual(roles);
    expect(third.outside).toBeUndefined();
  });

  it("does not take PID 1 for the sandbox when the namespace is a container's own", () => {
    const own = aListing([aProcess({ pid: 1, comm: "pause", args: ["/pause"], cgroups: cg("a") })]);
    const p = attributeContainers(own, { ...pod, spec: { ...pod.spec, shareProcessNamespace: false } }).processes[0];
    expect([p?.role, p?.container]).toEqual(["app", "nginx"]);
  });

  it("marks the collector and its ps child in the ps fallback by the header's self=", () => {
    const l = attributeContainers(
      aListing(
        [
          aProcess({ pid: 8, args: ["nginx:", "master"] }),
          aProcess({ pid: 30, ppid: 0, args: ["sh", "-c", "export", "LC_ALL=C", "…", "'h", "pns-ps/2", "fallback"] }),
          aProcess({ pid: 31, ppid: 30, args: ["ps", "-o", "pid,ppid,user,stat,time,rss,args"] }),
        ],
        { source: "ps", selfPid: 30 },
      ),
      {},
    );
    expect(l.processes.map((p) => p.role)).toEqual(["app", "debug", "debug"]);
  });

  it("names pns's own container in a cgroup namespace when the pod carries ended debug containers too", () => {
    // Ephemeral containers are never removed: two ended ones keep their containerIDs, one runs the collector.
    const many: PodLike = {
      spec: {
        containers: [{ name: "web" }],
        ephemeralContainers: [{ name: "pns-debug-old1" }, { name: "pns-debug-old2" }, { name: "pns-debug-live" }],
      },
      status: {
        containerStatuses: [{ name: "web", containerID: `containerd://${id("a")}`, state: { running: {} } }],
        ephemeralContainerStatuses: [
          { name: "pns-debug-old1", containerID: `containerd://${id("1")}`, state: {} },
          { name: "pns-debug-old2", containerID: `containerd://${id("2")}`, state: {} },
          { name: "pns-debug-live", containerID: `containerd://${id("3")}`, state: { running: {} } },
        ],
      },
    };
    const l = attributeContainers(
      aListing(
        [
          aProcess({ pid: 1, args: ["node", "server.js"], cgroups: [`0::/../cri-containerd-${id("a")}.scope`] }),
          aProcess({ pid: 7, args: ["sleep", "3600"], cgroups: ["0::/"] }),
          aProcess({ pid: 9, args: ["sh", "-c", "pns-ps/1"], cgroups: ["0::/"] }),
        ],
        { selfPid: 9 },
      ),
      many,
      { targetContainer: "web" },
    );
    expect(l.processes.map((p) => [p.pid, p.role, p.container])).toEqual([
      [1, "app", "web"],
      [7, "debug", "pns-debug-live"],
      [9, "debug", "pns-debug-live"],
    ]);
  });

  it("takes the native sidecar of a pns copy for pns's own", () => {
    const copy: PodLike = {
      spec: { shareProcessNamespace: true, initContainers: [{ name: "pns-debug-q1" }], containers: [{ name: "web" }] },
      status: {
        initContainerStatuses: [
          { name: "pns-debug-q1", containerID: `containerd://${id("d")}`, state: { running: {} } },
        ],
        containerStatuses: [{ name: "web", containerID: `containerd://${id("a")}`, state: { running: {} } }],
      },
    };
    const l = attributeContainers(
      aListing([
        aProcess({ pid: 7, args: ["sleep", "3600"], cgroups: cg("d") }),
        aProcess({ pid: 8, cgroups: cg("a") }),
      ]),
      copy,
    );
    expect(l.processes.map((p) => [p.role, p.container])).toEqual([
      ["debug", "pns-debug-q1"],
      ["app", "web"],
    ]);
  });

  it("never makes a process pns's own by its command line (pns-ps/ in argv hides nothing)", () => {
    const l = attributeContainers(
      aListing(
        [
          aProcess({
            pid: 8,
            ppid: 0,
            args: ["sh", "-c", "sleep 1000", "pns-ps/2", "h pns-ps/2 self=8"],
            cgroups: cg("a"),
          }),
          aProcess({ pid: 9, ppid: 8, args: ["sleep", "1000"], cgroups: cg("a") }),
          aProcess({ pid: 40, ppid: 0, args: ["sh", "-c", "…", "pns"], cgroups: cg("d") }),
          aProcess({ pid: 41, ppid: 40, args: ["od", "-An"], cgroups: cg("d") }),
          aProcess({ pid: 42, ppid: 41, args: ["sleep", "1"], cgroups: cg("d") }),
        ],
        { selfPid: 40 },
      ),
      pod,
    );
    expect(l.processes.map((p) => [p.pid, p.role])).toEqual([
      [8, "app"],
      [9, "app"],
      [40, "debug"],
      [41, "debug"],
      [42, "debug"],
    ]);
  });

  describe("processes of no container of the pod (issue 11.6)", () => {
    const hostPod: PodLike = {
      spec: { hostPID: true, containers: [{ name: "agent" }], ephemeralContainers: [{ name: "pns-debug-h1" }] },
      status: {
        containerStatuses: [{ name: "agent", containerID: `containerd://${id("a")}` }],
        ephemeralContainerStatuses: [{ name: "pns-debug-h1", containerID: `containerd://${id("d")}` }],
      },
    };
    const node = aListing(
      [
        aProcess({ pid: 1, comm: "systemd", args: ["/sbin/init"], cgroups: ["0::/init.scope"] }),
        aProcess({ pid: 350, comm: "kubelet", args: ["kubelet"], cgroups: ["0::/system.slice/kubelet.service"] }),
        aProcess({ pid: 900, comm: "postgres", args: ["postgres", "-c", "password=x"], cgroups: cg("e") }),
        aProcess({ pid: 1200, comm: "agent", args: ["/agent"], cgroups: cg("a") }),
        aProcess({ pid: 1300, comm: "sh", args: ["sh", "-c", "collect"], cgroups: cg("d") }),
      ],
      { selfPid: 1300 },
    );

    it("leaves the node's processes and other pods' out of a hostPID pod's listing, and counts them", () => {
      const l = attributeContainers(node, hostPod, { targetContainer: "agent" });
      expect(l.processes.map((p) => [p.pid, p.role, p.container])).toEqual([
        [1200, "app", "agent"],
        [1300, "debug", "pns-debug-h1"],
      ]);
      expect(l.outside).toEqual({ processes: 3, hostPID: true });
    });

    it("leaves out a process in another container's cgroup even without hostPID", () => {
      const l = attributeContainers(node, { ...hostPod, spec: { ...hostPod.spec, hostPID: false } });
      expect(l.processes.map((p) => p.pid)).toEqual([1, 350, 1200, 1300]);
      expect(l.outside).toEqual({ processes: 1, hostPID: false });
    });

    it("says nothing of outsiders when there are none", () => {
      expect(attributeContainers(aListing([aProcess({ pid: 1, cgroups: cg("a") })]), hostPod).outside).toEqual({
        processes: 0,
        hostPID: true,
      });
      expect(attributeContainers(aListing([aProcess({ pid: 1, cgroups: cg("a") })]), pod)).not.toHaveProperty(
        "outside",
      );
    });
  });

  it("gives processes without cgroups to the target container", () => {
    const l = attributeContainers(aListing([aProcess({ pid: 1 })]), {}, { targetContainer: "app" });
    expect(containerOf(l, 1)).toBe("app");
    expect(containerOf(l, 2)).toBeNull();
  });
});
