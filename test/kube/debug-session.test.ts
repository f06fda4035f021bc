import type { V1ContainerState, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { checkContainer, isFatalWaitingReason } from "../../src/kube/debug-session.js";

const image = "public.ecr.aws/docker/library/busybox:1.36";

/** A pod whose debug container `pns-debug-a` has this state, in the list its kind puts it in. */
function podWith(state: V1ContainerState, list: "ephemeral" | "init" | "regular" = "ephemeral"): V1Pod {
  const status = { name: "pns-debug-a", image, imageID: "", ready: false, restartCount: 0, state };
  return {
    metadata: { name: "web-1", namespace: "shop" },
    spec: { containers: [{ name: "web" }] },
    status: {
      phase: "Running",
      ...(list === "ephemeral" ? { ephemeralContainerStatuses: [status] } : {}),
      ...(list === "init" ? { initContainerStatuses: [status] } : {}),
      ...(list === "regular" ? { containerStatuses: [status] } : {}),
    },
  };
}
const waiting = (reason: string, message?: string): V1ContainerState => ({ waiting: { reason, message } });

describe("waiting reasons", () => {
  it.each([
    // pkg/kubelet/images/types.go
    ["ImagePullBackOff", "image_pull"],
    ["ErrImagePull", "image_pull"],
    ["InvalidImageName", "image_pull"],
    ["ErrImageNeverPull", "image_pull"],
    ["ImageInspectError", "image_pull"],
    ["RegistryUnavailable", "image_pull"],
    // pkg/kubelet/kuberuntime and container/sync_result.go
    ["CreateContainerConfigError", "exec_failed"],
    ["CreateContainerError", "exec_failed"],
    ["RunContainerError", "exec_failed"],
    ["PreStartHookError", "exec_failed"],
    ["PostStartHookError", "exec_failed"],
    ["CrashLoopBackOff", "exec_failed"],
    ["CreatePodSandboxError", "exec_failed"],
    ["SomeFutureBackOff", "exec_failed"],
  ])("%s ends the wait at once (%s)", (reason, code) => {
    const check = checkContainer(podWith(waiting(reason, `kubelet says ${reason}`)), "pns-debug-a", "ephemeral", image);
    expect("error" in check && [check.error.code, check.error.userMessage.includes(reason)]).toEqual([code, true]);
  });

  it("passes the kubelet's message on", () => {
    const check = checkContainer(
      podWith(waiting("CreateContainerConfigError", "container has runAsNonRoot and image will run as root")),
      "pns-debug-a",
      "ephemeral",
      image,
    );
    expect("error" in check && check.error.userMessage).toBe(
      "The debug container pns-debug-a in web-1 could not start (CreateContainerConfigError): container has runAsNonRoot and image will run as root.",
    );
  });

  it.each([
    ["ContainerCreating", `pulling image ${image}…`],
    ["PodInitializing", `pulling image ${image}…`],
    ["", `pulling image ${image}…`],
    ["Sleepy", "the debug container is Sleepy: still thinking…"],
  ])("%s keeps waiting and says so", (reason, progress) => {
    const state = reason ? waiting(reason, reason === "Sleepy" ? "still thinking" : undefined) : {};
    expect(checkContainer(podWith(state), "pns-debug-a", "ephemeral", image)).toEqual({ progress });
  });

  it.each(["ContainerCreating", "PodInitializing"])("does not count %s as fatal", (reason) => {
    expect(isFatalWaitingReason(reason)).toBe(false);
  });

  it.each([
    ["an ephemeral container", "ephemeral"],
    ["a native sidecar of a copy", "init"],
    ["a container of a copy", "regular"],
  ] as const)("finds the state of %s", (_name, list) => {
    const pod = podWith({ running: { startedAt: new Date() } }, list);
    expect(checkContainer(pod, "pns-debug-a", list === "ephemeral" ? "ephemeral" : "copy", image)).toEqual({
      done: true,
    });
  });

  it("names the scheduler's reason while the copy waits for a node", () => {
    const pod = podWith({});
    pod.status = {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/3 nodes are available: 3 Insufficient cpu.",
        },
      ],
    };
    expect(checkContainer(pod, "pns-debug-a", "copy", image)).toEqual({
      progress: "waiting for a node for web-1: 0/3 nodes are available: 3 Insufficient cpu.",
    });
  });
});
