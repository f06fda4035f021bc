import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Duplex } from "node:stream";
import { admitEphemeral, admitPod } from "./admission.js";
import {
  APPS_KINDS,
  apiGroupList,
  apiVersions,
  appsGroup,
  appsResources,
  coreResources,
  versionInfo,
} from "./discovery.js";
import { checkExec, ExecServer, parseExecQuery, rejectUpgrade } from "./exec.js";
import type { Faults } from "./faults.js";
import { openapiAppsV1, openapiCoreV1, openapiIndex, validatePodFields } from "./openapi.js";
import { type Keyed, paginate } from "./paginate.js";
import { applyPatch } from "./patch.js";
import { checkPodSecurity } from "./pod-security.js";
import { attributesOf, authorized, forbidden, type RbacPolicy } from "./rbac.js";
import type { RequestLog } from "./request-log.js";
import { ByteLimit, formatLine, parseLogQuery, selectLines } from "./runtime/logs.js";
import { fieldMatcher, labelMatcher } from "./selectors.js";
import { listServices, selfSubjectAccessReview } from "./services.js";
import { badRequest, failureStatus, invalid, notFound, type StatusBody, StatusError } from "./status.js";
import { nameAgeTable, podTable } from "./table.js";
import type { SimCertificate } from "./tls.js";
import type { Json, PodEvent, SimPod, World } from "./world.js";

interface Reply {
  status: number;
  body?: unknown;
  /** A watch: the handler keeps the response open itself. */
  streaming?: true;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Json;
  contentType: string;
  table: boolean;
}

interface Route {
  name: string;
  handle: (ctx: Ctx) => Reply | Promise<Reply>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Pod names are DNS subdomains: labels joined by dots (kubernetes apimachinery validation `IsDNS1123Subdomain`). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * What a 1.28 API server does to a new pod's init containers: the SidecarContainers gate is alpha and off there, so
 * `restartPolicy` is dropped (kubernetes pkg/api/pod/util.go dropDisabledFields: gate off and not in use by the old
 * pod → `InitContainers[i].RestartPolicy = nil`); the init container then runs to completion before the app starts.
 */
function dropSidecarRestartPolicy(spec: Json): void {
  for (const c of spec.initContainers ?? []) delete c.restartPolicy;
}

/** The simulator's HTTPS API server: routing, auth, faults, request log. */
export class ApiServer {
  readonly server: Server;
  private readonly exec: ExecServer;
  private readonly watches = new Set<ServerResponse>();

  constructor(
    private readonly world: World,
    private readonly faults: Faults,
    private readonly log: RequestLog,
    private readonly token: string,
    cert: SimCertificate,
    /** When set, every resource request must be allowed by these rules. */
    private readonly rbac: RbacPolicy | null = null,
  ) {
    this.exec = new ExecServer(world, faults);
    this.server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      void this.onRequest(req, res);
    });
    this.server.on("upgrade", (req, socket, head) => {
      void this.onUpgrade(req, socket, head);
    });
  }

  /** Stops streams and connections. */
  async close(): Promise<void> {
    this.exec.close();
    for (const w of this.watches) w.end();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.token}`;
  }

  private record(req: IncomingMessage, route: string, status: number, bytes = 0): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    this.log.add({ method: req.method ?? "GET", path, route, status, at: Date.now(), bytes });
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "https://sim");
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach)$/.exec(url.pathname);
    const route = `${req.method ?? "GET"} pods/${m?.[3] ?? "unknown"}`;
    const reject = (status: StatusBody) => {
      this.record(req, route, status.code);
      rejectUpgrade(socket, status, status);
    };
    if (!this.authorized(req)) return reject(failureStatus(401, "Unauthorized", "Unauthorized"));
    if (!m) return reject(failureStatus(404, "the server could not find the requested resource"));
    const latency = this.faults.latencyOf(route);
    if (latency > 0) await sleep(latency);
    const injected = this.faults.takeFailure(route);
    if (injected) return reject(injected);
    const attrs = attributesOf("GET", url);
    if (this.rbac && attrs) {
      // The WebSocket upgrade is a GET; API servers from 1.35 also require create on pods/exec (and pods/attach).
      for (const verb of ["get", "create"]) {
        const a = { ...attrs, verb };
        if (!authorized(this.rbac, a)) return reject(forbidden(this.rbac, a).status);
      }
    }
    try {
      const exec = parseExecQuery(decodeURIComponent(m[1] ?? ""), decodeURIComponent(m[2] ?? ""), url.searchParams);
      const attach = m[3] === "attach";
      const { container, after } = checkExec(this.world, exec, attach);
      this.record(req, route, 101);
      this.exec.handle(req, socket, head, exec, container, attach, after);
    } catch (e) {
      if (e instanceof StatusError) return reject(e.status);
      reject(failureStatus(500, "internal error in the simulator"));
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://sim");
    let route: Route | null = null;
    let status = 500;
    let bytes = 0;
    try {
      route = this.route(req.method ?? "GET", url);
      if (!route)
        throw new StatusError(failureStatus(404, "the server could not find the requested resource", "NotFound"));
      if (!route.name.startsWith("GET health") && !this.authorized(req)) {
        throw new StatusError(failureStatus(401, "Unauthorized", "Unauthorized"));
      }
      const attrs = this.rbac ? attributesOf(req.method ?? "GET", url) : null;
      if (this.rbac && attrs && !authorized(this.rbac, attrs)) throw forbidden(this.rbac, attrs);
      const latency = this.faults.latencyOf(route.name);
      if (latency > 0) await sleep(latency);
      const injected = this.faults.takeFailure(route.name);
      if (injected) throw new StatusError(injected);
      const raw = await readBody(req);
      let body: Json = null;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          throw new StatusError(
            failureStatus(
              415,
              `the body of the request was in an unknown format - accepted media types include: application/json`,
              "UnsupportedMediaType",
            ),
          );
        }
      }
      const ctx: Ctx = {
        req,
        res,
        url,
        body,
        contentType: String(req.headers["content-type"] ?? "application/json"),
        table: String(req.headers.accept ?? "").includes("as=Table"),
      };
      const reply = await route.handle(ctx);
      status = reply.status;
      if (!reply.streaming) bytes = send(res, reply.status, reply.body);
    } catch (e) {
      const s =
        e instanceof StatusError ? e.status : failureStatus(500, `internal error in the simulator: ${String(e)}`);
      status = s.code;
      bytes = send(res, s.code, s);
    }
    this.record(req, route?.name ?? `${req.method} unknown`, status, bytes);
  }

  private route(method: string, url: URL): Route | null {
    const p = url.pathname.replace(/\/+$/, "") || "/";
    const watch = ["1", "true"].includes(url.searchParams.get("watch") ?? "");
    const seg = p.split("/").slice(1).map(decodeURIComponent);
    const r = (name: string, handle: Route["handle"]): Route => ({ name, handle });
    if (method === "GET") {
      if (p === "/version")
        return r("GET version", () => ({ status: 200, body: versionInfo(this.world.serverVersion) }));
      if (["/healthz", "/livez", "/readyz"].includes(p)) return r("GET health", () => ({ status: 200, body: "ok" }));
      if (p === "/api") return r("GET discovery", () => ({ status: 200, body: apiVersions() }));
      if (p === "/apis") return r("GET discovery", () => ({ status: 200, body: apiGroupList() }));
      if (p === "/api/v1") return r("GET discovery", () => ({ status: 200, body: coreResources() }));
      if (p === "/apis/apps") return r("GET discovery", () => ({ status: 200, body: appsGroup() }));
      if (p === "/apis/apps/v1") return r("GET discovery", () => ({ status: 200, body: appsResources() }));
      if (p === "/openapi/v3") return r("GET openapi", () => ({ status: 200, body: openapiIndex() }));
      if (p === "/openapi/v3/api/v1") return r("GET openapi", () => ({ status: 200, body: openapiCoreV1() }));
      if (p === "/openapi/v3/apis/apps/v1") return r("GET openapi", () => ({ status: 200, body: openapiAppsV1() }));
    }
    if (p === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" && method === "POST")
      return r("POST selfsubjectaccessreviews", (c) => ({
        status: 201,
        body: selfSubjectAccessReview(this.rbac, c.body),
      }));
    if (seg[0] === "api" && seg[1] === "v1" && method === "GET") {
      const rest = seg.slice(2);
      if (rest[0] === "services" && rest.length === 1)
        return r("GET services", () => ({ status: 200, body: listServices(this.world, null) }));
      if (rest[0] === "namespaces" && rest[2] === "services" && rest.length === 3)
        return r("GET services", () => ({ status: 200, body: listServices(this.world, rest[1] ?? "") }));
    }
    if (seg[0] === "api" && seg[1] === "v1") {
      const rest = seg.slice(2);
      if ((rest[0] === "events" || (rest[0] === "namespaces" && rest[2] === "events")) && method === "GET")
        return r("GET events", (c) => {
          const fields = fieldMatcher(c.url.searchParams.get("fieldSelector"));
          const ns = rest[0] === "namespaces" ? rest[1] : undefined;
          const items = this.world.events.filter((e) => (ns === undefined || e.metadata.namespace === ns) && fields(e));
          return {
            status: 200,
            body: {
              kind: "EventList",
              apiVersion: "v1",
              ...this.page(
                items.map((e) => ({ key: `${e.metadata.namespace}/${e.metadata.name}`, item: e })),
                c,
                !c.url.searchParams.get("fieldSelector"),
              ),
            },
          };
        });
      if (rest[0] === "persistentvolumeclaims" && rest.length === 1 && method === "GET")
        return r("GET persistentvolumeclaims", () => this.listClaims(null));
      if (rest[0] === "pods" && rest.length === 1 && method === "GET")
        return watch ? r("WATCH pods", (c) => this.watchPods(c, null)) : r("GET pods", (c) => this.listPods(c, null));
      if (rest[0] === "namespaces") {
        if (rest.length === 1 && method === "GET") return r("GET namespaces", (c) => this.listNamespaces(c));
        const ns = rest[1] ?? "";
        if (rest.length === 2 && method === "GET") return r("GET namespaces", () => this.getNamespace(ns));
        if (rest[2] === "persistentvolumeclaims") {
          const claim = rest[3];
          if (claim === undefined && method === "GET")
            return r("GET persistentvolumeclaims", () => this.listClaims(ns));
          if (claim === undefined && method === "POST")
            return r("POST persistentvolumeclaims", (c) => {
              if (!this.world.namespaces.has(ns)) throw notFound("namespaces", ns);
              const claim = this.world.claims.create(ns, c.body ?? {});
              this.world.reschedule();
              return { status: 201, body: claim };
            });
          if (claim !== undefined && rest.length === 4 && method === "GET")
            return r("GET persistentvolumeclaims", () => ({ status: 200, body: this.world.claims.get(ns, claim) }));
          return null;
        }
        if (rest[2] === "pods") {
          const name = rest[3];
          const sub = rest[4];
          if (name === undefined) {
            if (method === "GET")
              return watch ? r("WATCH pods", (c) => this.watchPods(c, ns)) : r("GET pods", (c) => this.listPods(c, ns));
            if (method === "POST") return r("POST pods", (c) => this.createPod(c, ns));
            return null;
          }
          if (sub === undefined) {
            if (method === "GET") return r("GET pods", (c) => this.getPod(c, ns, name));
            if (method === "DELETE") return r("DELETE pods", (c) => this.deletePod(c, ns, name));
            if (method === "PATCH") return r("PATCH pods", (c) => this.patchPod(c, ns, name));
            return null;
          }
          if (sub === "ephemeralcontainers" || sub === "status") {
            if (method === "GET") return r(`GET pods/${sub}`, (c) => this.getPod(c, ns, name));
            if (sub === "ephemeralcontainers" && (method === "PATCH" || method === "PUT"))
              return r(`${method} pods/ephemeralcontainers`, (c) => this.updateEphemeral(c, ns, name, method));
          }
          if (sub === "exec")
            return r(`${method} pods/exec`, () => {
              throw badRequest("Upgrade request required");
            });
          if (sub === "log" && method === "GET") return r("GET pods/log", (c) => this.podLog(c, ns, name));
        }
      }
    }
    if (seg[0] === "apis" && seg[1] === "apps" && seg[2] === "v1" && method === "GET") {
      const rest = seg.slice(3);
      if (rest.length === 1 && APPS_KINDS[rest[0] ?? ""]) {
        const plural = rest[0] as string;
        return r(`${watch ? "WATCH" : "GET"} ${plural}`, (c) => this.listApps(c, plural, null));
      }
      if (rest[0] === "namespaces" && APPS_KINDS[rest[2] ?? ""]) {
        const plural = rest[2] as string;
        const ns = rest[1] ?? "";
        if (rest.length === 3) return r(`${watch ? "WATCH" : "GET"} ${plural}`, (c) => this.listApps(c, plural, ns));
        if (rest.length === 4) return r(`GET ${plural}`, (c) => this.getApp(c, plural, ns, rest[3] ?? ""));
      }
    }
    return null;
  }

  private listClaims(ns: string | null): Reply {
    const items = this.world.claims.list(ns);
    return {
      status: 200,
      body: {
        kind: "PersistentVolumeClaimList",
        apiVersion: "v1",
        metadata: { resourceVersion: this.world.currentRv() },
        items,
      },
    };
  }

  private listNamespaces(ctx: Ctx): Reply {
    const match = labelMatcher(ctx.url.searchParams.get("labelSelector"));
    const selector = ctx.url.searchParams.get("labelSelector") ?? "";
    const all = [...this.world.namespaces.values()].map((n) => this.renderNamespace(n.name)).filter(match);
    const { items, metadata } = this.page(
      all.map((o) => ({ key: o.metadata.name, item: o })),
      ctx,
      selector === "",
    );
    if (ctx.table) return { status: 200, body: nameAgeTable(items, metadata.resourceVersion) };
    return { status: 200, body: { kind: "NamespaceList", apiVersion: "v1", metadata, items } };
  }

  private renderNamespace(name: string): Json {
    const n = this.world.namespaces.get(name);
    if (!n) throw notFound("namespaces", name);
    return {
      kind: "Namespace",
      apiVersion: "v1",
      metadata: {
        name,
        uid: n.uid,
        resourceVersion: n.resourceVersion,
        creationTimestamp: n.createdAt,
        labels: n.labels,
      },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    };
  }

  private getNamespace(name: string): Reply {
    return { status: 200, body: this.renderNamespace(name) };
  }

  private podsIn(ns: string | null): SimPod[] {
    return [...this.world.pods.values()].filter((p) => ns === null || p.namespace === ns);
  }

  private listPods(ctx: Ctx, ns: string | null): Reply {
    if (ns !== null && !this.world.namespaces.has(ns)) {
      return { status: 200, body: { kind: "PodList", apiVersion: "v1", ...this.page([], ctx, true) } };
    }
    const labels = labelMatcher(ctx.url.searchParams.get("labelSelector"));
    const fields = fieldMatcher(ctx.url.searchParams.get("fieldSelector"));
    const matched = this.podsIn(ns)
      .map((p) => this.world.renderPod(p))
      .filter((o) => labels(o) && fields(o));
    // Keys below the list's prefix: `<name>` in a namespace, `<namespace>/<name>` across namespaces (etcd's layout).
    const keyed = matched.map((o) => ({
      key: ns === null ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name),
      item: o,
    }));
    const { items, metadata } = this.page(keyed, ctx, !hasSelector(ctx));
    if (ctx.table) return { status: 200, body: podTable(items, metadata.resourceVersion) };
    return { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata, items } };
  }

  /** One chunk of a list, as the API server pages it (`limit`, `continue`; see paginate.ts). */
  private page<T>(all: Keyed<T>[], ctx: Ctx, unfiltered: boolean) {
    return paginate(all, {
      params: ctx.url.searchParams,
      currentRv: Number(this.world.currentRv()),
      compactedRv: this.world.compactedRv,
      unfiltered,
    });
  }

  private watchPods(ctx: Ctx, ns: string | null): Reply {
    const labels = labelMatcher(ctx.url.searchParams.get("labelSelector"));
    const fields = fieldMatcher(ctx.url.searchParams.get("fieldSelector"));
    const from = ctx.url.searchParams.get("resourceVersion");
    const timeout = Number(ctx.url.searchParams.get("timeoutSeconds") ?? "0");
    const res = ctx.res;
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Transfer-Encoding": "chunked",
      "Cache-Control": "no-cache",
    });
    res.flushHeaders();
    const matches = (e: PodEvent) => (ns === null || e.namespace === ns) && labels(e.object) && fields(e.object);
    let first = true;
    const write = (type: string, object: Json) => {
      if (res.writableEnded) return;
      let out = object;
      if (ctx.table) {
        // kubectl get -w: each event carries a one-row Table; only the first defines the columns.
        out = podTable([object], object.metadata.resourceVersion);
        if (!first) out.columnDefinitions = [];
        first = false;
      }
      res.write(`${JSON.stringify({ type, object: out })}\n`);
    };
    if (!from || from === "0") {
      for (const p of this.podsIn(ns)) {
        const o = this.world.renderPod(p);
        if (labels(o) && fields(o)) write("ADDED", o);
      }
    } else {
      for (const e of this.world.history) if (e.resourceVersion > Number(from) && matches(e)) write(e.type, e.object);
    }
    const off = this.world.onPodEvent((e) => {
      if (matches(e)) write(e.type, e.object);
    });
    this.watches.add(res);
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      off();
      clearTimeout(timer);
      this.watches.delete(res);
      if (!res.writableEnded) res.end();
    };
    if (timeout > 0) timer = setTimeout(end, timeout * 1000);
    if (this.faults.takeWatchClose()) setImmediate(end);
    res.on("close", end);
    return { status: 200, streaming: true };
  }

  private getPod(ctx: Ctx, ns: string, name: string): Reply {
    const o = this.world.renderPod(this.world.getPod(ns, name));
    if (ctx.table) return { status: 200, body: podTable([o], o.metadata.resourceVersion) };
    return { status: 200, body: o };
  }

  private createPod(ctx: Ctx, ns: string): Reply {
    const body = ctx.body;
    if (!body || typeof body !== "object") throw badRequest("pod body required");
    const warnings = validatePodFields(body, ctx.url.searchParams.get("fieldValidation"));
    if (warnings.length > 0) ctx.res.setHeader("Warning", warnings.map((w) => `299 - "${w}"`).join(", "));
    const name = body.metadata?.name ?? "";
    const causes: { field: string; reason: string; message: string }[] = [];
    if (!name && !body.metadata?.generateName)
      causes.push({
        field: "metadata.name",
        reason: "FieldValueRequired",
        message: "Required value: name or generateName is required",
      });
    else if (name && (!DNS_SUBDOMAIN.test(name) || name.length > 253))
      causes.push({
        field: "metadata.name",
        reason: "FieldValueInvalid",
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      });
    const containers: Json[] = body.spec?.containers ?? [];
    if (containers.length === 0)
      causes.push({ field: "spec.containers", reason: "FieldValueRequired", message: "Required value" });
    const seen = new Set<string>();
    containers.forEach((c, i) => {
      if (!c.name)
        causes.push({ field: `spec.containers[${i}].name`, reason: "FieldValueRequired", message: "Required value" });
      else if (seen.has(c.name))
        causes.push({
          field: `spec.containers[${i}].name`,
          reason: "FieldValueDuplicate",
          message: `Duplicate value: "${c.name}"`,
        });
      seen.add(c.name);
      if (!c.image)
        causes.push({ field: `spec.containers[${i}].image`, reason: "FieldValueRequired", message: "Required value" });
    });
    if (causes.length > 0) throw invalid("Pod", name, causes);
    if (body.metadata?.namespace && body.metadata.namespace !== ns)
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    const nsObj = this.world.namespaces.get(ns);
    if (!nsObj) throw notFound("namespaces", ns);
    checkPodSecurity(
      nsObj.labels,
      name || body.metadata?.generateName,
      [...containers, ...(body.spec.initContainers ?? [])],
      body.spec,
    );
    admitPod(nsObj.admission, name || body.metadata?.generateName, body.spec);
    if (this.world.serverVersion === "1.28") dropSidecarRestartPolicy(body.spec);
    const pod = this.world.createPod(ns, body);
    return { status: 201, body: this.world.renderPod(pod) };
  }

  private deletePod(ctx: Ctx, ns: string, name: string): Reply {
    const pod = this.world.getPod(ns, name);
    // staging/src/k8s.io/apiserver/pkg/storage/interfaces.go Preconditions.Check: a UID that does not match is a 409
    // (the registry turns the storage's InvalidObjError into a Conflict).
    const uid = ctx.body?.preconditions?.uid;
    if (typeof uid === "string" && uid !== pod.uid) {
      throw new StatusError(
        failureStatus(
          409,
          `Operation cannot be fulfilled on pods "${name}": Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.uid}`,
          "Conflict",
          { name, kind: "pods" },
        ),
      );
    }
    const raw = ctx.url.searchParams.get("gracePeriodSeconds") ?? ctx.body?.gracePeriodSeconds;
    const grace =
      raw !== undefined && raw !== null && raw !== "" ? Number(raw) : pod.spec.terminationGracePeriodSeconds;
    return { status: 200, body: this.world.deletePod(ns, name, Number.isFinite(grace) ? Math.max(0, grace) : 30) };
  }

  private checkResourceVersion(pod: SimPod, incoming: Json): void {
    const want = incoming?.metadata?.resourceVersion;
    if (want !== undefined && want !== null && want !== pod.resourceVersion) {
      throw new StatusError(
        failureStatus(
          409,
          `Operation cannot be fulfilled on pods "${pod.name}": the object has been modified; please apply your changes to the latest version and try again`,
          "Conflict",
          { name: pod.name, kind: "pods" },
        ),
      );
    }
  }

  private patchPod(ctx: Ctx, ns: string, name: string): Reply {
    const pod = this.world.getPod(ns, name);
    const current = this.world.renderPod(pod);
    const patched = applyPatch(current, ctx.body, ctx.contentType);
    this.checkResourceVersion(pod, ctx.contentType.includes("json-patch") ? null : ctx.body);
    const before = JSON.stringify({
      ...current.spec,
      containers: current.spec.containers.map((c: Json) => ({ ...c, image: "" })),
    });
    const after = JSON.stringify({
      ...patched.spec,
      containers: (patched.spec?.containers ?? []).map((c: Json) => ({ ...c, image: "" })),
    });
    if (before !== after) {
      throw invalid("Pod", name, [
        {
          field: "spec",
          reason: "FieldValueForbidden",
          message:
            "Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        },
      ]);
    }
    pod.metadata.labels = patched.metadata?.labels ?? {};
    pod.metadata.annotations = patched.metadata?.annotations ?? {};
    if (Object.keys(pod.metadata.annotations).length === 0) delete pod.metadata.annotations;
    for (const c of patched.spec.containers as Json[]) {
      const spec = pod.spec.containers.find((x: Json) => x.name === c.name);
      if (spec && spec.image !== c.image) {
        spec.image = c.image;
        const rt = pod.containers.get(c.name);
        if (rt && rt.phase === "running") this.world.containerExited(pod, rt, 0);
      }
    }
    this.world.touch(pod);
    return { status: 200, body: this.world.renderPod(pod) };
  }

  private updateEphemeral(ctx: Ctx, ns: string, name: string, method: string): Reply {
    const pod = this.world.getPod(ns, name);
    const current = this.world.renderPod(pod);
    const next = method === "PUT" ? ctx.body : applyPatch(current, ctx.body, ctx.contentType);
    if (method === "PUT" || !ctx.contentType.includes("json-patch")) this.checkResourceVersion(pod, ctx.body);
    const existing: Json[] = current.spec.ephemeralContainers ?? [];
    const wanted: Json[] = next?.spec?.ephemeralContainers ?? [];
    const causes: { field: string; reason: string; message: string }[] = [];
    for (const old of existing) {
      const now = wanted.find((w) => w?.name === old.name);
      if (!now) {
        causes.push({
          field: "spec.ephemeralContainers",
          reason: "FieldValueForbidden",
          message: `Forbidden: existing ephemeral containers "${old.name}" may not be removed`,
        });
      } else if (
        now.image !== old.image ||
        JSON.stringify(now.command ?? null) !== JSON.stringify(old.command ?? null)
      ) {
        causes.push({
          field: "spec.ephemeralContainers",
          reason: "FieldValueForbidden",
          message: "Forbidden: pod updates may not change fields other than `spec.ephemeralContainers`",
        });
      }
    }
    const added = wanted.filter((w) => !existing.some((e) => e.name === w?.name));
    const names = new Set<string>([...pod.spec.containers.map((c: Json) => c.name), ...existing.map((e) => e.name)]);
    // Any non-ephemeral container may be the target, init containers and native sidecars included.
    const regular = new Set<string>(
      [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].map((c: Json) => c.name),
    );
    for (const c of added) {
      const i = wanted.indexOf(c);
      const f = `spec.ephemeralContainers[${i}]`;
      if (!c?.name) causes.push({ field: `${f}.name`, reason: "FieldValueRequired", message: "Required value" });
      else if (!DNS_LABEL.test(c.name))
        causes.push({
          field: `${f}.name`,
          reason: "FieldValueInvalid",
          message: `Invalid value: "${c.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`,
        });
      else if (names.has(c.name))
        causes.push({ field: `${f}.name`, reason: "FieldValueDuplicate", message: `Duplicate value: "${c.name}"` });
      if (c?.name) names.add(c.name);
      if (!c?.image) causes.push({ field: `${f}.image`, reason: "FieldValueRequired", message: "Required value" });
      if (c?.targetContainerName && !regular.has(c.targetContainerName))
        causes.push({
          field: `${f}.targetContainerName`,
          reason: "FieldValueNotFound",
          message: `Not found: "${c.targetContainerName}"`,
        });
      for (const k of ["ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"])
        if (c?.[k])
          causes.push({
            field: `${f}.${k}`,
            reason: "FieldValueForbidden",
            message: "Forbidden: cannot be set for an Ephemeral Container",
          });
    }
    if (causes.length > 0) throw invalid("Pod", name, causes);
    const nsObj = this.world.namespaces.get(ns);
    if (nsObj && added.length > 0)
      checkPodSecurity(
        nsObj.labels,
        name,
        [...pod.spec.containers, ...(pod.spec.initContainers ?? []), ...wanted],
        pod.spec,
      );
    if (added.length > 0) admitEphemeral(nsObj?.admission);
    // dryRun=All: validated and admitted, never stored (apiserver endpoints/handlers/patch.go `isDryRun`).
    if (ctx.url.searchParams.get("dryRun") === "All") return { status: 200, body: this.world.renderPod(pod) };
    if (added.length > 0) this.world.addEphemeralContainers(pod, structuredClone(added));
    return { status: 200, body: this.world.renderPod(pod) };
  }

  /** `GET pods/{name}/log`, as the kubelet serves it (kubernetes pkg/kubelet/kuberuntime/logs/logs.go `ReadLogs`). */
  private podLog(ctx: Ctx, ns: string, name: string): Reply {
    const pod = this.world.getPod(ns, name);
    const q = parseLogQuery(ctx.url.searchParams);
    const names: string[] = pod.spec.containers.map((c: Json) => c.name);
    let container = q.container;
    if (!container) {
      if (names.length !== 1) {
        const init: string[] = (pod.spec.initContainers ?? []).map((c: Json) => c.name);
        const eph: string[] = (pod.spec.ephemeralContainers ?? []).map((c: Json) => c.name);
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]${init.length ? ` or one of the init containers: [${init.join(" ")}]` : ""}${eph.length ? ` or one of the ephemeral containers: [${eph.join(" ")}]` : ""}`,
        );
      }
      container = names[0] as string;
    }
    const rt = pod.containers.get(container);
    if (!rt) throw badRequest(`container ${container} is not valid for pod ${name}`);
    const log = q.previous ? rt.logs.at(-2) : rt.logs.at(-1);
    if (!log && q.previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    if (!log) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${rt.reason}`);
    const res = ctx.res;
    res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    const limit = new ByteLimit(q.limitBytes);
    const put = (text: string) => {
      const part = limit.take(text);
      if (part !== null && !res.writableEnded) res.write(part);
    };
    for (const l of selectLines(log, q)) put(formatLine(l, q));
    if (!q.follow || q.previous || log.ended || limit.done) {
      res.end();
      return { status: 200, streaming: true };
    }
    const off = log.follow((l) => {
      if (l) put(formatLine(l, q));
      if (!l || limit.done) {
        off();
        res.end();
      }
    });
    this.watches.add(res);
    res.on("close", () => {
      off();
      this.watches.delete(res);
    });
    return { status: 200, streaming: true };
  }

  private appsIn(plural: string, ns: string | null): Json[] {
    const kind = APPS_KINDS[plural] ?? "";
    return [...this.world.workloads.values()].filter(
      (o) => o.kind === kind && (ns === null || o.metadata.namespace === ns),
    );
  }

  private listApps(ctx: Ctx, plural: string, ns: string | null): Reply {
    const labels = labelMatcher(ctx.url.searchParams.get("labelSelector"));
    const fields = fieldMatcher(ctx.url.searchParams.get("fieldSelector"));
    const matched = this.appsIn(plural, ns)
      .filter((o) => labels(o) && fields(o))
      .map((o) => structuredClone(o));
    const keyed = matched.map((o) => ({
      key: ns === null ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name),
      item: o,
    }));
    const { items, metadata } = this.page(keyed, ctx, !hasSelector(ctx));
    if (ctx.table) return { status: 200, body: nameAgeTable(items, metadata.resourceVersion) };
    const kind = `${APPS_KINDS[plural]}List`;
    if (["1", "true"].includes(ctx.url.searchParams.get("watch") ?? "")) {
      ctx.res.writeHead(200, { "Content-Type": "application/json" });
      for (const o of items) ctx.res.write(`${JSON.stringify({ type: "ADDED", object: o })}\n`);
      ctx.res.end();
      return { status: 200, streaming: true };
    }
    return { status: 200, body: { kind, apiVersion: "apps/v1", metadata, items } };
  }

  private getApp(ctx: Ctx, plural: string, ns: string, name: string): Reply {
    const o = this.appsIn(plural, ns).find((x) => x.metadata.name === name);
    if (!o) throw notFound(plural, name, "apps");
    if (ctx.table) return { status: 200, body: nameAgeTable([o], o.metadata.resourceVersion) };
    return { status: 200, body: structuredClone(o) };
  }
}

/** Sends a whole reply; returns the body's size in bytes. */
function send(res: ServerResponse, status: number, body: unknown): number {
  if (res.headersSent) {
    res.end();
    return 0;
  }
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  res.writeHead(status, {
    "Content-Type": typeof body === "string" ? "text/plain" : "application/json",
    "Content-Length": bytes,
  });
  res.end(text);
  return bytes;
}

/** A list asked with a label or field selector: kube-apiserver then leaves `remainingItemCount` unset. */
function hasSelector(ctx: Ctx): boolean {
  return Boolean(ctx.url.searchParams.get("labelSelector") || ctx.url.searchParams.get("fieldSelector"));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
