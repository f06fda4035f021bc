// @ts-check
/**
 * The IAM resources serverless.yml grants that depend on what is deployed: the Slack secret (`--param slackSecretId`),
 * the configuration's SSM parameter (`--param configParameter`, when given) and, from pns.config.yaml read with pns's
 * own parser at package time, the clusters' kubeconfig secrets, EKS clusters and assumed roles. serverless.yml reads them as `${file(./build/serverless/grants.cjs):NAME}`; an invalid
 * configuration fails the packaging with the parser's messages.
 *
 * What the worker's code does per kind of cluster (src/kube/clusters.ts, src/aws/):
 * - `kubeconfigSecret`: GetSecretValue on that secret;
 * - `eks` without `roleArn`: DescribeCluster with the function's own role (the token is a presigned
 *   sts:GetCallerIdentity, which needs no permission);
 * - `eks` with `roleArn`: AssumeRole on that role, which then calls DescribeCluster itself.
 */
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { loadParser } = require("../esbuild/precompiled-config.cjs");

const ROOT = join(__dirname, "..", "..");
const CONFIG_FILE = "pns.config.yaml";

/**
 * The ARNs a secret given by name or ARN has, as IAM sees them: Secrets Manager appends `-` and 6 random characters
 * to the name (docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen).
 * @param {string} secretId
 * @returns {(string | { "Fn::Sub": string })[]}
 */
function secretResources(secretId) {
  // A complete ARN ends in that suffix and matches itself; a partial one (no suffix) matches with it added. AWS too
  // tells the two apart this way, which is why a name should not end in `-` and 6 characters (same page).
  if (secretId.startsWith("arn:")) return /-[A-Za-z0-9]{6}$/.test(secretId) ? [secretId] : [`${secretId}-??????`];
  return [
    { "Fn::Sub": `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretId}-??????` },
  ];
}

/**
 * The configuration's clusters, parsed as the Lambda bundles parse it (no file: the built-in default).
 * @returns {Promise<Record<string, any>>}
 */
async function configuredClusters() {
  let text;
  try {
    text = readFileSync(join(ROOT, CONFIG_FILE), "utf8");
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === "ENOENT") return {};
    throw err;
  }
  const parser = await loadParser(require("esbuild"));
  const parsed = parser.parseConfig(text, {});
  if (!parsed.ok) throw new Error(`${CONFIG_FILE} is not a valid pns configuration:\n${parsed.errors.join("\n")}`);
  return parsed.config.clusters;
}

/** @param {unknown[]} values */
const unique = (values) => [...new Map(values.map((v) => [JSON.stringify(v), v])).values()];

/**
 * The IAM statements the configured clusters need, on the worker's role only.
 * @param {Record<string, any>} clusters
 */
function clusterStatements(clusters) {
  const access = Object.values(clusters);
  const secrets = unique(
    access.filter((a) => a.kind === "kubeconfigSecret").flatMap((a) => secretResources(a.secretId)),
  );
  const eks = unique(
    access
      .filter((a) => a.kind === "eks" && !a.roleArn)
      .map((a) => ({ "Fn::Sub": `arn:\${AWS::Partition}:eks:${a.region}:\${AWS::AccountId}:cluster/${a.name}` })),
  );
  const roles = unique(access.filter((a) => a.kind === "eks" && a.roleArn).map((a) => a.roleArn));
  return [
    ...(secrets.length > 0
      ? [{ Sid: "ReadKubeconfigSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secrets }]
      : []),
    ...(eks.length > 0
      ? [{ Sid: "DescribeClusters", Effect: "Allow", Action: "eks:DescribeCluster", Resource: eks }]
      : []),
    ...(roles.length > 0
      ? [{ Sid: "AssumeClusterRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: roles }]
      : []),
  ];
}

/**
 * The statements that let both functions read the configuration's SSM parameter (`PNS_CONFIG_PARAMETER`), given by
 * name or ARN; none without one. A parameter's ARN is `…:parameter/` and its name without a leading `/`
 * (docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html). A `String` parameter: pns
 * does not ask SSM to decrypt it, so no KMS grant.
 * @param {string} parameter
 */
function configStatements(parameter) {
  if (parameter === "") return [];
  // The characters SSM allows in names (its API reference, PutParameter: Name); an ARN is taken as it is.
  if (!parameter.startsWith("arn:") && !/^[A-Za-z0-9_.\-/]{1,2048}$/.test(parameter)) {
    throw new Error(`--param configParameter: "${parameter}" is not an SSM parameter name (letters, digits, _ . - /).`);
  }
  const resource = parameter.startsWith("arn:")
    ? parameter
    : {
        "Fn::Sub": `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${parameter.replace(/^\//, "")}`,
      };
  return [{ Sid: "ReadConfigParameter", Effect: "Allow", Action: "ssm:GetParameter", Resource: resource }];
}

/** @type {Promise<Record<string, any>> | undefined} */
let clusters;

/**
 * `slackSecret`: the Slack secret's resources; `clusterStatements`: the worker's statements for the configured
 * clusters; `clusterAccess`: "true" when there is any (a CloudFormation condition adds the policy only then);
 * `configStatements` and `configParameter` ("true" when set) likewise for the configuration's SSM parameter.
 * @param {{ resolveVariable: (name: string) => Promise<unknown> }} serverless
 */
module.exports = async ({ resolveVariable }) => {
  const slackSecretId = String(await resolveVariable("param:slackSecretId")).trim();
  if (slackSecretId === "") throw new Error("--param slackSecretId must name the Slack secret (its name or ARN).");
  const parameter = String((await resolveVariable("param:configParameter")) ?? "").trim();
  clusters ??= configuredClusters();
  const statements = clusterStatements(await clusters);
  const config = configStatements(parameter);
  return {
    slackSecret: secretResources(slackSecretId),
    clusterStatements: statements,
    clusterAccess: statements.length > 0 ? "true" : "false",
    configStatements: config,
    configParameter: config.length > 0 ? "true" : "false",
  };
};

module.exports.secretResources = secretResources;
module.exports.clusterStatements = clusterStatements;
module.exports.configStatements = configStatements;
