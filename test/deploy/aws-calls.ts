/**
 * Every AWS call pns's deployed code makes, derived from its imports: each AWS SDK export a source file imports is
 * either in {@link SDK_CALLS} (the IAM action and resources of the call it makes) or in {@link NOT_CALLS} (it makes
 * none). A function's calls are those of the source files its bundle was built from.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** One call as IAM sees it. */
export interface IamCall {
  action: string;
  resource: string;
  /** Request context keys the call carries (e.g. `kms:ViaService`). */
  context?: Record<string, string>;
  /** Why the function makes it, for failure messages. */
  why: string;
}

/** What a deployed stack's calls are made on, as full ARNs. */
export interface Targets {
  table: string;
  /** An index of the table (`table/NAME/index/gsi1`). */
  index: string;
  worker: string;
  slackSecret: string;
  kubeconfigSecrets: string[];
  /** EKS clusters described with the function's own role (those without `roleArn`). */
  clusters: string[];
  /** Roles assumed for EKS clusters with `roleArn`. */
  roles: string[];
  /** The configuration's SSM parameter (`PNS_CONFIG_PARAMETER`), as an ARN; null when the stack has none. */
  configParameter: string | null;
}

/** An SDK export that calls AWS, and the calls it makes. */
export interface SdkCall {
  module: string;
  name: string;
  /** Only imports in this file (the same export reads different resources in different files). */
  file?: string;
  calls: (t: Targets) => IamCall[];
}

const on = (action: string, resources: string[], why: string): IamCall[] =>
  resources.map((resource) => ({ action, resource, why }));

/** The SDK exports that call AWS (docs.aws.amazon.com/service-authorization: the action each API needs). */
export const SDK_CALLS: SdkCall[] = [
  {
    module: "@aws-sdk/lib-dynamodb",
    name: "GetCommand",
    calls: (t) => on("dynamodb:GetItem", [t.table], "GetCommand"),
  },
  {
    module: "@aws-sdk/lib-dynamodb",
    name: "PutCommand",
    calls: (t) => on("dynamodb:PutItem", [t.table], "PutCommand (conditional writes included)"),
  },
  {
    module: "@aws-sdk/lib-dynamodb",
    name: "DeleteCommand",
    calls: (t) => on("dynamodb:DeleteItem", [t.table], "DeleteCommand"),
  },
  {
    module: "@aws-sdk/lib-dynamodb",
    name: "QueryCommand",
    // Queries read the table (a channel's sessions, all audit) and gsi1 (pending, executing, a channel's audit).
    calls: (t) => on("dynamodb:Query", [t.table, t.index], "QueryCommand"),
  },
  {
    module: "@aws-sdk/client-lambda",
    name: "InvokeCommand",
    calls: (t) => on("lambda:InvokeFunction", [t.worker], "InvokeCommand (a job for the worker)"),
  },
  {
    module: "@aws-sdk/client-eks",
    name: "DescribeClusterCommand",
    calls: (t) => on("eks:DescribeCluster", t.clusters, "DescribeClusterCommand (endpoint and CA)"),
  },
  {
    module: "@aws-sdk/credential-providers",
    name: "fromTemporaryCredentials",
    calls: (t) => on("sts:AssumeRole", t.roles, "fromTemporaryCredentials (eks.roleArn)"),
  },
  {
    module: "@aws-lambda-powertools/parameters/secrets",
    name: "SecretsProvider",
    file: "src/aws/slack-credentials.ts",
    calls: (t) => on("secretsmanager:GetSecretValue", [t.slackSecret], "SecretsProvider.get (the Slack secret)"),
  },
  {
    module: "@aws-lambda-powertools/parameters/secrets",
    name: "SecretsProvider",
    file: "src/aws/kubeconfig-secret.ts",
    calls: (t) => on("secretsmanager:GetSecretValue", t.kubeconfigSecrets, "SecretsProvider.get (a kubeconfig secret)"),
  },
  {
    module: "@aws-lambda-powertools/parameters/ssm",
    name: "SSMProvider",
    file: "src/aws/config-parameter.ts",
    // Only when PNS_CONFIG_PARAMETER is set (src/handlers/config-source.ts); a String parameter, no decryption.
    calls: (t) =>
      t.configParameter ? on("ssm:GetParameter", [t.configParameter], "SSMProvider.get (the configuration)") : [],
  },
];

/** SDK exports pns imports that make no AWS call themselves. */
export const NOT_CALLS: { module: string; name: string; why: string }[] = [
  { module: "@aws-sdk/client-dynamodb", name: "DynamoDBClient", why: "a client: its commands are the calls" },
  { module: "@aws-sdk/lib-dynamodb", name: "DynamoDBDocumentClient", why: "a client: its commands are the calls" },
  { module: "@aws-sdk/client-lambda", name: "LambdaClient", why: "a client: its commands are the calls" },
  { module: "@aws-sdk/client-eks", name: "EKSClient", why: "a client: its commands are the calls" },
  {
    module: "@aws-sdk/credential-providers",
    name: "fromNodeProviderChain",
    why: "on Lambda it reads the role's credentials from the environment",
  },
  {
    module: "@smithy/signature-v4",
    name: "SignatureV4",
    // docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html: "No permissions are required".
    why: "presigns the sts:GetCallerIdentity URL EKS calls; that call needs no permission",
  },
  { module: "@smithy/protocol-http", name: "HttpRequest", why: "the request being presigned" },
  { module: "@aws-crypto/sha256-js", name: "Sha256", why: "the signature's hash" },
  { module: "@aws-sdk/core/client", name: "partition", why: "the SDK's partition data (the STS host of a region)" },
  { module: "@aws-lambda-powertools/logger", name: "Logger", why: "writes log lines to stdout" },
  { module: "@aws-lambda-powertools/logger", name: "LogFormatter", why: "shapes a log line" },
  { module: "@aws-lambda-powertools/logger", name: "LogItem", why: "a log line" },
  {
    module: "@aws-lambda-powertools/metrics",
    name: "Metrics",
    // docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format.html
    why: "writes EMF lines to stdout; CloudWatch Logs makes the metrics, with no call of the function's role",
  },
  { module: "@aws-lambda-powertools/metrics", name: "MetricUnit", why: "a constant" },
];

const SDK_MODULE = /^@(aws-sdk|aws-lambda-powertools|smithy|aws-crypto)\//;

/** An SDK export imported by a source file (type-only imports left out: they make no call). */
export interface SdkImport {
  file: string;
  module: string;
  name: string;
}

/** The SDK exports each deployed source file imports: everything in src/ except src/local (local tooling). */
export function scanSdkImports(root = ROOT): SdkImport[] {
  const found: SdkImport[] = [];
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? files(join(dir, e.name))
        : /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)
          ? [join(dir, e.name)]
          : [],
    );
  for (const path of files(join(root, "src"))) {
    const file = relative(root, path);
    if (file.startsWith("src/local/")) continue;
    const text = readFileSync(path, "utf8");
    for (const m of text.matchAll(/import\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/g)) {
      const [, typeOnly, clause, module] = m as unknown as [string, string | undefined, string, string];
      if (!SDK_MODULE.test(module) || typeOnly) continue;
      const named = /\{([^}]*)\}/.exec(clause)?.[1];
      const other = clause
        .replace(/\{[^}]*\}/, "")
        .replace(/,/g, " ")
        .trim();
      // A default or namespace import (`import * as eks`) hides which calls it makes: it must be listed by name.
      if (other) found.push({ file, module, name: other });
      for (const part of (named ?? "").split(",").map((p) => p.trim())) {
        if (!part || part.startsWith("type ")) continue;
        found.push({ file, module, name: part.split(/\s+as\s+/)[0]!.trim() });
      }
    }
    for (const m of text.matchAll(/import\(\s*"([^"]+)"\s*\)/g)) {
      if (SDK_MODULE.test(m[1]!)) found.push({ file, module: m[1]!, name: "import()" });
    }
  }
  return found;
}

/** The entry of {@link SDK_CALLS} or {@link NOT_CALLS} for an import, if any. */
export function classify(i: SdkImport): SdkCall | "no call" | undefined {
  const call = SDK_CALLS.find((c) => c.module === i.module && c.name === i.name && (!c.file || c.file === i.file));
  if (call) return call;
  return NOT_CALLS.some((c) => c.module === i.module && c.name === i.name) ? "no call" : undefined;
}

/** The calls the code in `inputs` (source files of one bundle) makes. */
export function codeCalls(inputs: string[], targets: Targets, imports = scanSdkImports()): IamCall[] {
  const calls: IamCall[] = [];
  for (const i of imports.filter((i) => inputs.includes(i.file))) {
    const c = classify(i);
    if (c === undefined)
      throw new Error(`${i.file} imports ${i.name} from ${i.module}, which is not in test/deploy/aws-calls.ts`);
    if (c !== "no call") for (const call of c.calls(targets)) calls.push({ ...call, why: `${call.why} in ${i.file}` });
  }
  return calls;
}
