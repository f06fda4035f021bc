/** Names pns puts on the Kubernetes objects it creates, so the janitor and the next command can find them. */

/** Label on every pod copy pns creates (the Kubernetes recommended label). */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

/** Value of {@link MANAGED_BY_LABEL} on pns's objects. */
export const MANAGED_BY_VALUE = "pns";

/** Label selector for pns's pod copies. */
export const MANAGED_BY_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** Prefix of pns's own annotations. */
export const PNS_ANNOTATION_PREFIX = "pns.dev/";

/** Annotation on a copy: when the janitor may delete it (ISO 8601). */
export const EXPIRES_AT_ANNOTATION = "pns.dev/expires-at";

/** Annotation on a copy: who asked for it (Slack user ID or `pns`). */
export const REQUESTED_BY_ANNOTATION = "pns.dev/requested-by";

/** Annotation on a copy: the name of the pod it copies. */
export const COPY_OF_ANNOTATION = "pns.dev/copy-of";

/** Prefix of every debug container pns adds (`pns-debug-<short id>`). */
export const DEBUG_CONTAINER_PREFIX = "pns-debug";

/** Infix of a copy's name (`<pod>-pns-<short id>`). */
export const COPY_NAME_INFIX = "-pns-";

/** The annotation kubectl and pns read for a pod's default container. */
export const DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";
