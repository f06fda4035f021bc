import { describe, expect, it } from "vitest";
import { createRedactor } from "./redactor.js";
import { MASK } from "./rules.js";

/**
 * Secret shapes pns must hide (zero leaks) and non-secrets it must leave alone.
 * False-positive policy: masking a harmless value is acceptable, a leak is not; still, flags whose name only
 * CONTAINS a secret word (`--password-file`, `--token-path`, `--author`, `--bypass`, `--secret-name`) stay intact.
 */
const a40 = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const gh36 = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9";
const jwt =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

interface Case {
  name: string;
  args?: string[];
  text?: string;
  secret: string;
}

const secrets: Case[] = [
  { name: "key=value password", args: ["app", "password=hunter2"], secret: "hunter2" },
  { name: "--password=", args: ["app", "--password=hunter2"], secret: "hunter2" },
  { name: "--password value", args: ["app", "--password", "hunter2"], secret: "hunter2" },
  { name: "-password value", args: ["app", "-password", "hunter2"], secret: "hunter2" },
  { name: "--passwd=", args: ["app", "--passwd=hunter2"], secret: "hunter2" },
  { name: "--pwd value", args: ["app", "--pwd", "hunter2"], secret: "hunter2" },
  { name: "--pass=", args: ["app", "--pass=hunter2"], secret: "hunter2" },
  { name: "--secret=", args: ["app", "--secret=s3cr3tvalue"], secret: "s3cr3tvalue" },
  { name: "--token value", args: ["app", "--token", "t0k3nvalue"], secret: "t0k3nvalue" },
  { name: "--api-key=", args: ["app", "--api-key=k3yvalue99"], secret: "k3yvalue99" },
  { name: "--api_key value", args: ["app", "--api_key", "k3yvalue99"], secret: "k3yvalue99" },
  { name: "APIKEY=", args: ["env", "APIKEY=k3yvalue99", "app"], secret: "k3yvalue99" },
  { name: "--access-key=", args: ["app", "--access-key=acc3ssval"], secret: "acc3ssval" },
  { name: "--private-key value", args: ["app", "--private-key", "privval42"], secret: "privval42" },
  { name: "--auth=", args: ["app", "--auth=user:pw42"], secret: "pw42" },
  { name: "--credentials value", args: ["app", "--credentials", "credval42"], secret: "credval42" },
  { name: "--credential=", args: ["app", "--credential=credval42"], secret: "credval42" },
  { name: "--client-secret=", args: ["oauth2-proxy", "--client-secret=cl13ntsecret"], secret: "cl13ntsecret" },
  { name: "DB_PASSWORD= suffix", args: ["env", "DB_PASSWORD=dbpw1234", "app"], secret: "dbpw1234" },
  { name: "--db-password suffix", args: ["app", "--db-password", "dbpw1234"], secret: "dbpw1234" },
  { name: "camelCase dbPass=", args: ["app", "dbPass=dbpw1234"], secret: "dbpw1234" },
  {
    name: "Java system property",
    args: ["java", "-Dspring.datasource.password=jdbcpw42", "-jar", "a.jar"],
    secret: "jdbcpw42",
  },
  { name: "PGPASSWORD=", args: ["env", "PGPASSWORD=pgpw4242", "psql"], secret: "pgpw4242" },
  { name: "MYSQL_PWD=", args: ["env", "MYSQL_PWD=mypw4242", "mysql"], secret: "mypw4242" },
  { name: "mysql -p<pw>", args: ["mysql", "-uroot", "-pmypw4242", "app"], secret: "mypw4242" },
  { name: "mysql -p <pw>", args: ["/usr/bin/mysql", "-u", "root", "-p", "mypw4242"], secret: "mypw4242" },
  { name: "mysqldump -p<pw>", args: ["mysqldump", "-pmypw4242", "app"], secret: "mypw4242" },
  { name: "mariadb -p<pw>", args: ["mariadb", "-pmypw4242"], secret: "mypw4242" },
  {
    name: "mysql inside sh -c",
    args: ["sh", "-c", "mysql -h db -uroot -pmypw4242 app < dump.sql"],
    secret: "mypw4242",
  },
  { name: "postgres URL", args: ["app", "postgres://u:pgpw4242@db:5432/app"], secret: "pgpw4242" },
  { name: "redis URL with empty user", args: ["app", "--url=redis://:rdpw4242@cache:6379"], secret: "rdpw4242" },
  { name: "amqp URL with @ in the password", args: ["app", "amqp://guest:gu@st4242@mq/"], secret: "st4242" },
  { name: "mongodb+srv URL", text: "MONGO=mongodb+srv://admin:mgpw4242@cluster0.example.net/db", secret: "mgpw4242" },
  {
    name: "Authorization: Bearer in one arg",
    args: ["curl", "-H", "Authorization: Bearer bearertok4242"],
    secret: "bearertok4242",
  },
  {
    name: "Authorization: Basic",
    args: ["curl", "-H", "Authorization: Basic dXNlcjpwdzQyNDI="],
    secret: "dXNlcjpwdzQyNDI=",
  },
  {
    name: "Bearer split over args",
    args: ["curl", "-H", "Authorization:", "Bearer", "bearertok4242"],
    secret: "bearertok4242",
  },
  { name: "lowercase bearer in text", text: "authorization: bearer bearertok4242", secret: "bearertok4242" },
  { name: "curl -u user:pw", args: ["curl", "-u", "bob:curlpw4242", "https://x"], secret: "curlpw4242" },
  { name: "AWS access key id", args: ["aws", "--profile", "x", "AKIAIOSFODNN7EXAMPLE"], secret: "IOSFODNN7EXAMPLE" },
  { name: "AWS STS key id", text: "key ASIAIOSFODNN7EXAMPLE used", secret: "IOSFODNN7EXAMPLE" },
  { name: "aws_secret_access_key=", args: ["env", `aws_secret_access_key=${a40}`], secret: a40 },
  { name: "AWS_SECRET_ACCESS_KEY=", args: ["env", `AWS_SECRET_ACCESS_KEY=${a40}`, "aws"], secret: a40 },
  { name: "--aws-secret-access-key value", args: ["tool", "--aws-secret-access-key", a40], secret: a40 },
  { name: "aws secret in YAML text", text: `aws_secret_access_key: ${a40}`, secret: a40 },
  { name: "GitHub ghp_", args: ["git", "push", `https://ghp_${gh36}@github.com/o/r`], secret: gh36 },
  { name: "GitHub gho_", text: `token gho_${gh36}`, secret: gh36 },
  { name: "GitHub ghs_", args: ["app", `ghs_${gh36}`], secret: gh36 },
  { name: "GitHub fine-grained PAT", args: ["gh", `github_pat_11ABCDEFG0123456789_${gh36}`], secret: gh36 },
  { name: "GitLab glpat-", args: ["app", "glpat-xYz1234567890abcdEFGH"], secret: "xYz1234567890abcdEFGH" },
  {
    name: "Slack bot token",
    args: ["bot", "xoxb-123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx"],
    secret: "AbCdEfGhIjKlMnOpQrStUvWx",
  },
  { name: "Slack user token", text: "xoxp-123456789012-1234567890-AbCdEfGhIjKl", secret: "AbCdEfGhIjKl" },
  { name: "Slack app token", args: ["bot", "xapp-1-A012345-1234567890-abcdef0123456789"], secret: "abcdef0123456789" },
  {
    name: "Slack webhook URL",
    args: ["curl", "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"],
    secret: "XXXXXXXXXXXXXXXXXXXXXXXX",
  },
  { name: "JWT alone", args: ["app", jwt], secret: "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c" },
  {
    name: "JWT in a query string",
    text: `https://x/cb?id_token=${jwt}&state=1`,
    secret: "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  },
  {
    name: "PEM private key",
    args: ["app", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAPEMBODY4242\n-----END RSA PRIVATE KEY-----"],
    secret: "PEMBODY4242",
  },
  {
    name: "PEM cut short by the 4 KiB limit",
    text: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANPEMBODY4242",
    secret: "PEMBODY4242",
  },
  {
    name: "Google API key",
    args: ["app", "AIzaSyA1234567890abcdefghijklmnopqrstu"],
    secret: "SyA1234567890abcdefghijklmnopqrstu",
  },
  { name: "Stripe live key", args: ["app", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"], secret: "4eC39HqLyjWDarjtT1zdp7dc" },
  { name: "Stripe webhook secret", text: "whsec_abcdefghij0123456789", secret: "abcdefghij0123456789" },
  {
    name: "OpenAI-style key",
    args: ["app", "sk-proj-abcdefghijklmnopqrstuvwx0123"],
    secret: "abcdefghijklmnopqrstuvwx0123",
  },
  {
    name: "npm token",
    text: "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789",
    secret: "abcdefghijklmnopqrstuvwxyz0123456789",
  },
  {
    name: "Hugging Face token",
    args: ["app", "hf_abcdefghijklmnopqrstuvwxyz0123"],
    secret: "abcdefghijklmnopqrstuvwxyz0123",
  },
  { name: "SendGrid key", text: "SG.abcdefghijklmnop.qrstuvwxyz0123456789", secret: "qrstuvwxyz0123456789" },
  {
    name: "Vault token",
    args: ["vault", "login", "hvs.CAESIabcdefghijklmnopqrstuv"],
    secret: "CAESIabcdefghijklmnopqrstuv",
  },
  {
    name: "Docker PAT",
    args: ["docker", "login", "-p", "dckr_pat_abcdefghij0123456789"],
    secret: "abcdefghij0123456789",
  },
  { name: "openssl pass:", args: ["openssl", "enc", "-pass", "pass:opensslpw42"], secret: "opensslpw42" },
  { name: "openssl -passin pass:", args: ["openssl", "rsa", "-passin", "pass:opensslpw42"], secret: "opensslpw42" },
  { name: "JSON password in text", text: '{"user":"app","password":"jsonpw4242"}', secret: "jsonpw4242" },
  { name: "quoted YAML password with spaces", text: 'password: "two words4242"', secret: "words4242" },
  {
    name: "Azure storage AccountKey",
    text: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=azkey4242==;",
    secret: "azkey4242",
  },
  { name: "Azure SAS sig=", text: "https://a.blob.core.windows.net/c?sv=2020&sig=sasSig4242%3D", secret: "sasSig4242" },
  { name: "token in a query string", text: "https://api.example.com/v1?token=qstok4242&x=1", secret: "qstok4242" },
  { name: "X-Auth-Token header", args: ["curl", "-H", "X-Auth-Token: hdrtok4242"], secret: "hdrtok4242" },
  {
    name: "secret-ish key with high-entropy value",
    args: ["app", "--signing-key=Zk9xQ2w3RtY8uI0oP5aS7dF"],
    secret: "Zk9xQ2w3RtY8uI0oP5aS7dF",
  },
  { name: "--password value with a leading dash", args: ["app", "--password", "-dashpw42"], secret: "-dashpw42" },
];

const nonSecrets: { name: string; args: string[] }[] = [
  { name: "nginx master", args: ["nginx: master process nginx -g daemon off;"] },
  { name: "nginx worker", args: ["nginx: worker process"] },
  { name: "--port=8080", args: ["app", "--port=8080"] },
  { name: "--author=bob", args: ["git", "commit", "--author=bob"] },
  { name: "--bypass=1", args: ["app", "--bypass=1"] },
  { name: "--password-file path", args: ["app", "--password-file=/run/secrets/db"] },
  { name: "--token-path path", args: ["app", "--token-path", "/var/run/secrets/token"] },
  { name: "--secret-name", args: ["app", "--secret-name=db-creds"] },
  { name: "mysql -P port", args: ["mysql", "-h", "db", "-P", "3306"] },
  { name: "mysql -u root", args: ["mysql", "-u", "root"] },
  { name: "-p on a non-mysql program", args: ["ssh", "-p", "2222", "host"] },
  { name: "URL without credentials", args: ["curl", "https://example.com:8443/path?x=1"] },
  { name: "/etc/passwd mount", args: ["docker", "run", "-v", "/etc/passwd:/etc/passwd:ro", "img"] },
  {
    name: "kube-proxy flags",
    args: ["kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=node1"],
  },
  { name: "sleep", args: ["sleep", "3600"] },
  { name: "python module", args: ["python3", "-m", "http.server", "8000"] },
  { name: "/pause", args: ["/pause"] },
];

describe("redaction corpus", () => {
  const r = createRedactor();
  it("has at least 50 secret shapes", () => {
    expect(secrets.length).toBeGreaterThanOrEqual(50);
  });
  it.each(secrets)("hides $name", ({ args, text, secret }) => {
    const out = args ? r.args(args).join(" ") : r.text(text ?? "");
    expect(out).not.toContain(secret);
    expect(out).toContain(MASK);
  });
  it.each(secrets.filter((c) => c.args))("hides $name also in the joined text", ({ args, secret }) => {
    expect(r.text((args ?? []).join(" "))).not.toContain(secret);
  });
  it.each(nonSecrets)("leaves $name intact", ({ args }) => {
    expect(r.args(args)).toEqual(args);
  });
});
