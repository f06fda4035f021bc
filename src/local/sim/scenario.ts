import { addService } from "./services.js";
import type { Json, World } from "./world.js";

/** The names of the built-in scenarios. */
export type ScenarioName = "seed" | "empty";

/** Known scenarios; an unknown name lists them. */
export const SCENARIOS: Record<ScenarioName, (world: World) => void> = {
  seed: seedScenario,
  empty: (world) => {
    world.addNamespace("default", {}, 3600);
  },
};

/** Applies a scenario by name. */
export function applyScenario(world: World, name: string): void {
  const s = SCENARIOS[name as ScenarioName];
  if (!s) throw new Error(`unknown scenario "${name}": use one of ${Object.keys(SCENARIOS).join(", ")}`);
  s(world);
}

const AGE = 600;

function owner(kind: string, obj: Json): Json {
  return {
    apiVersion: "apps/v1",
    kind,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function workload(
  kind: string,
  ns: string,
  name: string,
  labels: Record<string, string>,
  replicas: number,
  podSpec: Json,
): Json {
  const spec: Json = {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: podSpec },
  };
  if (kind !== "DaemonSet") spec.replicas = replicas;
  if (kind === "StatefulSet") spec.serviceName = name;
  const status: Json =
    kind === "DaemonSet"
      ? {
          currentNumberScheduled: replicas,
          desiredNumberScheduled: replicas,
          numberReady: replicas,
          numberAvailable: replicas,
          updatedNumberScheduled: replicas,
          observedGeneration: 1,
        }
      : {
          replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
          updatedReplicas: replicas,
          currentReplicas: replicas,
          observedGeneration: 1,
        };
  return { kind, apiVersion: "apps/v1", metadata: { name, namespace: ns, labels }, spec, status };
}

/**
 * The task page's pod `nginx` in `default` (shared namespace, PIDs 1, 8, 14, 15), Deployment `web` and `billing`
 * and StatefulSet `db` in `shop`, pod `api` in the restricted namespace `locked`, DaemonSet `agent` in `ops`.
 */
export function seedScenario(world: World): void {
  world.addNamespace("default", {}, 86_400);
  world.addNamespace("kube-system", {}, 86_400);
  world.addNamespace("shop", { team: "shop" }, 86_400);
  world.addNamespace("locked", { "pod-security.kubernetes.io/enforce": "restricted" }, 86_400);
  world.addNamespace("ops", {}, 86_400);

  world.createPod(
    "default",
    {
      metadata: { name: "nginx" },
      spec: {
        shareProcessNamespace: true,
        containers: [
          // 8080 is declared but nginx's default.conf listens on 80 only: `/pns ports nginx` says so.
          {
            name: "nginx",
            image: "nginx",
            ports: [
              { name: "http", containerPort: 80 },
              { name: "metrics", containerPort: 8080 },
            ],
          },
          {
            name: "shell",
            image: "busybox:1.28",
            securityContext: { capabilities: { add: ["SYS_PTRACE"] } },
            stdin: true,
            tty: true,
          },
        ],
      },
    },
    {
      immediate: true,
      ageSeconds: AGE,
      pids: { sandbox: [1], nginx: [8, 14], shell: [15] },
      nextPid: 16,
    },
  );

  const webPod: Json = {
    containers: [
      {
        name: "web",
        image: "shop/web:1.4",
        command: ["node", "server.js"],
        securityContext: { runAsUser: 1000 },
        ports: [{ containerPort: 8080 }],
      },
      {
        name: "envoy",
        image: "envoyproxy/envoy:v1.31.0",
        command: ["envoy", "-c", "/etc/envoy/envoy.yaml"],
        securityContext: { runAsUser: 101 },
      },
    ],
  };
  deployment(world, "shop", "web", "7d4b9c6f8d", ["x7k2p", "q9m4z"], webPod);
  deployment(world, "shop", "billing", "5f6c8d9b7c", ["r2d8w"], {
    containers: [
      {
        name: "billing",
        image: "shop/billing:2.3",
        command: ["java", "-Dspring.datasource.password=S3cr3t!", "-jar", "app.jar"],
        securityContext: { runAsUser: 1001 },
        env: [
          { name: "SPRING_PROFILES_ACTIVE", value: "prod" },
          { name: "DB_PASSWORD", value: "S3cr3t!" },
          { name: "PAYMENTS_URL", value: "https://billing:hunter2@payments.shop.svc:8443/v1" },
        ],
      },
    ],
  });
  addService(world, "shop", {
    metadata: { name: "web" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  });
  addService(world, "shop", {
    metadata: { name: "db" },
    spec: { selector: { app: "db" }, ports: [{ port: 5432 }] },
  });
  const db = world.addWorkload(
    workload("StatefulSet", "shop", "db", { app: "db" }, 1, {
      containers: [
        {
          name: "postgres",
          image: "postgres:16",
          command: ["postgres", "-c", "password=hunter2"],
          securityContext: { runAsUser: 999 },
        },
      ],
    }),
    86_400,
  );
  world.createPod(
    "shop",
    {
      metadata: {
        name: "db-0",
        labels: { app: "db", "statefulset.kubernetes.io/pod-name": "db-0" },
        ownerReferences: [owner("StatefulSet", db)],
      },
      spec: structuredClone(db.spec.template.spec),
    },
    { immediate: true, ageSeconds: AGE },
  );

  world.createPod(
    "locked",
    {
      metadata: { name: "api", labels: { app: "api" } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "api",
            image: "shop/api:3.0",
            command: ["/app/api", "--port=8080"],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          },
        ],
      },
    },
    { immediate: true, ageSeconds: AGE },
  );

  const agent = world.addWorkload(
    workload("DaemonSet", "ops", "agent", { app: "agent" }, 1, {
      containers: [{ name: "agent", image: "ops/agent:0.9", command: ["/agent", "--interval=10s"] }],
    }),
    86_400,
  );
  world.createPod(
    "ops",
    {
      metadata: {
        name: "agent-h4v8n",
        labels: { app: "agent", "controller-revision-hash": "6b7f9d8c5" },
        ownerReferences: [owner("DaemonSet", agent)],
      },
      spec: structuredClone(agent.spec.template.spec),
    },
    { immediate: true, ageSeconds: AGE },
  );
}

function deployment(world: World, ns: string, name: string, hash: string, suffixes: string[], podSpec: Json): void {
  const labels = { app: name };
  const dep = world.addWorkload(workload("Deployment", ns, name, labels, suffixes.length, podSpec), 86_400);
  dep.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
  const rsLabels = { ...labels, "pod-template-hash": hash };
  const rs = workload("ReplicaSet", ns, `${name}-${hash}`, rsLabels, suffixes.length, podSpec);
  rs.spec.selector = { matchLabels: rsLabels };
  rs.spec.template.metadata.labels = rsLabels;
  rs.metadata.ownerReferences = [owner("Deployment", dep)];
  world.addWorkload(rs, 86_400);
  for (const s of suffixes) {
    world.createPod(
      ns,
      {
        metadata: { name: `${name}-${hash}-${s}`, labels: rsLabels, ownerReferences: [owner("ReplicaSet", rs)] },
        spec: structuredClone(podSpec),
      },
      { immediate: true, ageSeconds: AGE },
    );
  }
}
