import type { DebugProfile } from "../core/config/debug-profiles.js";
import { PnsError } from "../core/errors.js";
import type { JobOrigin } from "../core/jobs.js";
import { ReadDenied } from "../core/process/file-read.js";
import type { WorkerDeps } from "./deps.js";
import { type PodListing, recordSession } from "./list-pod.js";
import type { DebugLocation, FileContent, FileRequest } from "./ports/cluster.js";
import type { Progress } from "./progress.js";

/** A file as read, and through which debug container and profile. */
export interface ReadOutcome {
  file: FileContent;
  location: DebugLocation;
  profile: DebugProfile;
}

/**
 * Reads a file of a listed process with the least privilege that serves: through the listing's debug container
 * (`debug.profile`, no SYS_PTRACE by default) first; when the kernel refuses it (another uid's files need
 * SYS_PTRACE), once more through a debug container of `debug.readProfile`, where Pod Security allows that profile.
 * A copy is not retried (it keeps the one debug container it was made with).
 */
export async function readWithLeastPrivilege(
  deps: WorkerDeps,
  origin: JobOrigin,
  listed: PodListing,
  request: Omit<FileRequest, "location"> & {
    /** The container a new debug container targets (the command's `-c`); null: the pod's default. */
    attachContainer: string | null;
  },
  progress: Progress,
): Promise<ReadOutcome> {
  const { attachment, pod } = listed.snapshot;
  const { profile, readProfile } = deps.config.debug;
  const { attachContainer, ...read } = request;
  const first: DebugLocation = {
    namespace: pod.namespace,
    pod: attachment.pod,
    container: attachment.container,
    targetContainer: attachment.targetContainer,
  };
  try {
    const file = await listed.debugger.readFile({ ...read, location: first });
    return { file, location: first, profile };
  } catch (err) {
    const denied = err instanceof PnsError && err.code === "forbidden" && err.cause instanceof ReadDenied;
    if (!denied || readProfile === profile || attachment.strategy === "copy") throw err;
    await progress.step(
      `${attachment.container} may not read ${request.path} (permission denied); adding a debug container with the \`${readProfile}\` profile…`,
      true,
    );
    let retried: typeof attachment;
    try {
      retried = await listed.debugger.attach(listed.resolved, {
        strategy: attachment.strategy,
        container: attachContainer,
        requestedBy: origin.user,
        profile: readProfile,
        onProgress: (message) => void progress.step(message, true),
      });
    } catch (attachErr) {
      if (!(attachErr instanceof PnsError && attachErr.code === "pod_security")) throw attachErr;
      throw new PnsError("forbidden", err.userMessage, {
        cause: attachErr,
        hint: `Reading another uid's files needs SYS_PTRACE, and Pod Security in namespace ${pod.namespace} refuses the \`${readProfile}\` debug profile that has it. \`debug.readProfile: restricted\` reads as the target container's uid instead.`,
      });
    }
    await recordSession(deps, origin, pod, retried);
    const location: DebugLocation = {
      namespace: pod.namespace,
      pod: retried.pod,
      container: retried.container,
      targetContainer: retried.targetContainer,
    };
    const file = await listed.debugger.readFile({ ...read, location });
    return { file, location, profile: readProfile };
  }
}
