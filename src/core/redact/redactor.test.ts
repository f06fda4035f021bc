import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PnsError } from "../errors.js";
import { checkRedactPattern, createRedactor, redactText } from "./redactor.js";
import { isSecretName, MASK, TEXT_RULES, TRIGGERS } from "./rules.js";
import { SUSPECT } from "./triggers.js";

describe("createRedactor", () => {
  const r = createRedactor();

  it("keeps flag names and hides values", () => {
    expect(r.args(["app", "--password=hunter2", "--token", "abc", "DB_PASSWORD=x"])).toEqual([
      "app",
      `--password=${MASK}`,
      "--token",
      MASK,
      `DB_PASSWORD=${MASK}`,
    ]);
  });

  it("returns the same array when nothing is secret", () => {
    const args = ["nginx: worker process"];
    expect(r.args(args)).toBe(args);
  });

  it("keeps an argument masked as a value acting as the flag it was", () => {
    expect(r.args(["x", "Bearer", "--token", "s3cret"])).toEqual(["x", "Bearer", MASK, MASK]);
  });

  it("does not take a following long flag for a secret flag's value", () => {
    expect(r.args(["mongod", "--auth", "--port", "27017"])).toEqual(["mongod", "--auth", "--port", "27017"]);
  });

  const extraCases: { name: string; patterns: string[]; input: string; output: string }[] = [
    { name: "whole match", patterns: ["internal-[0-9]+"], input: "id internal-42 ok", output: `id ${MASK} ok` },
    { name: "first group only", patterns: ["ticket=(\\w+)"], input: "ticket=abc ok", output: `ticket=${MASK} ok` },
    { name: "(?i) prefix", patterns: ["(?i)acme-[a-z]+"], input: "ACME-Secret", output: MASK },
    { name: "several matches", patterns: ["x\\d"], input: "x1 x2 y3", output: `${MASK} ${MASK} y3` },
  ];
  it.each(extraCases)("applies extra patterns: $name", ({ patterns, input, output }) => {
    const rx = createRedactor(patterns);
    expect(rx.text(input)).toBe(output);
    expect(rx.args(input.split(" ")).join(" ")).toBe(output);
  });

  it("rejects an invalid extra pattern with a config error naming it", () => {
    expect(() => createRedactor(["ok", "(unclosed"])).toThrow(PnsError);
    try {
      createRedactor(["ok", "(unclosed"]);
    } catch (err) {
      expect((err as PnsError).code).toBe("invalid_config");
      expect((err as PnsError).userMessage).toContain("#2");
    }
  });

  it("keeps no state between calls: an array args() returned stays as it was, the next line comes out whole", () => {
    const red = createRedactor(["corp-[0-9]+"]);
    const first = red.args(["mysql", "-psecret1", "corp-1"]);
    const second = red.args(["app", "--token", "secret2", "x", "y"]);
    expect(first).toEqual(["mysql", `-p${MASK}`, MASK]);
    expect(second).toEqual(["app", "--token", MASK, "x", "y"]);
    expect(red.command(["app", "--token", "secret3"])).toBe(`app --token ${MASK}`);
    expect(red.command(["ls", "-l"])).toBe("ls -l");
    expect(red.command(["sh", "-c", "curl -u bob:pw4 x"])).toBe(`sh -c curl -u bob:${MASK} x`);
    expect(red.command(["a"])).toBe("a");
  });

  it("cuts a line of text into words where a regex's \\s does, U+2028 included", () => {
    expect(redactText("run --password\u2028hunter2 now")).toBe(`run --password\u2028${MASK} now`);
    expect(redactText('run --password "two words" now')).toBe(`run --password "${MASK}" now`);
  });

  it("checks patterns for config validation", () => {
    expect(checkRedactPattern("abc")).toBeNull();
    expect(checkRedactPattern("a*")).toContain("empty");
    expect(checkRedactPattern("[")).not.toBeNull();
  });

  const names: { name: string; secret: boolean }[] = [
    { name: "password", secret: true },
    { name: "db-password", secret: true },
    { name: "DB_PASSWORD", secret: true },
    { name: "spring.datasource.password", secret: true },
    { name: "pass", secret: true },
    { name: "db_pwd", secret: true },
    { name: "dbPass", secret: true },
    { name: "bypass", secret: false },
    { name: "author", secret: false },
    { name: "password-file", secret: false },
    { name: "port", secret: false },
    { name: "oauth", secret: false },
    // a secret word anywhere, digits and _ID/_V2/_BASE after it
    { name: "PASSWORD_1", secret: true },
    { name: "API_KEY_ID", secret: true },
    { name: "AUTH_TOKEN_V2", secret: true },
    { name: "SECRET_KEY_BASE", secret: true },
    { name: "DBPASS", secret: true },
    { name: "requirepass", secret: true },
    { name: "masterauth", secret: true },
    { name: "keyStorePassword", secret: true },
    { name: "api.key", secret: true },
    { name: "client-key-data", secret: true },
    { name: "apiKeys", secret: true },
    { name: "X-Amz-Signature", secret: true },
    { name: "GITHUB_PAT", secret: true },
    { name: "SENTRY_DSN", secret: true },
    { name: "AZURE_STORAGE_CONNECTION_STRING", secret: true },
    { name: "PASSWORD_FILE_PASSWORD", secret: true },
    // a pointer to or a setting of the secret, not the secret
    { name: "PASSWORD_FILE", secret: false },
    { name: "token-path", secret: false },
    { name: "secret-name", secret: false },
    { name: "secretKeyRef", secret: false },
    { name: "authSource", secret: false },
    { name: "password-stdin", secret: false },
    { name: "auth_basic_user_file", secret: false },
    { name: "authorization-mode", secret: false },
    { name: "PasswordAuthentication", secret: false },
    { name: "credential.helper", secret: false },
    // words that only look like secret words
    { name: "passthrough", secret: false },
    { name: "passwordless", secret: false },
    { name: "tokenizer", secret: false },
    { name: "compass", secret: false },
    { name: "proxy_pass", secret: false },
    { name: "PASSWORDFILE", secret: false },
    { name: "signal", secret: false },
    { name: "STOP_SIGNAL", secret: false },
    { name: "path", secret: false },
    { name: "PATH", secret: false },
    { name: "PWD", secret: false },
    { name: "OAuth", secret: false },
    // look-alikes
    { name: "pаssword", secret: true },
    { name: "PASS\u200bWORD", secret: true },
    { name: "ｐａｓｓｗｏｒｄ", secret: true },
  ];
  it.each(names)("isSecretName($name) is $secret", ({ name, secret }) => {
    expect(isSecretName(name)).toBe(secret);
  });
});

describe("redactor properties", () => {
  const r = createRedactor(["(?i)corp-[0-9a-f]{8}"]);
  const word = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom("--password", "Bearer", "-u", "-p", "mysql", "=", "a:b", "@", "://", "--", "-", "Authorization:"),
  );
  const secret = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~]{9,29}$/);
  const hex8 = fc.stringMatching(/^[0-9a-f]{8}$/);
  const embed: fc.Arbitrary<[string[], string]> = fc.oneof(
    secret.map((s): [string[], string] => [[`--password=${s}`], s]),
    secret.map((s): [string[], string] => [["--api-key", s], s]),
    secret.map((s): [string[], string] => [[`DB_PASSWORD=${s}`], s]),
    secret.map((s): [string[], string] => [[`postgres://app:${s}@db/app`], s]),
    secret.map((s): [string[], string] => [["-H", `Authorization: Bearer ${s}`], s]),
    secret.map((s): [string[], string] => [["Bearer", s], s]),
    secret.map((s): [string[], string] => [["-u", `bob:${s}`], s]),
    fc.stringMatching(/^[A-Za-z0-9]{36}$/).map((s): [string[], string] => [[`ghp_${s}`], s]),
    fc.stringMatching(/^[A-Z0-9]{16}$/).map((s): [string[], string] => [[`AKIA${s}`], s]),
    fc.stringMatching(/^[A-Za-z0-9-]{20,30}$/).map((s): [string[], string] => [[`xoxb-${s}`], s]),
    hex8.map((s): [string[], string] => [[`corp-${s}`], `corp-${s}`]),
  );

  it("hides a generated secret embedded anywhere in a random command line (10,000 runs)", () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 6 }),
        embed,
        fc.array(word, { maxLength: 6 }),
        (pre, [secretArgs, s], post) => {
          fc.pre(![...pre, ...post].some((w) => w.includes(s.slice(0, 8))));
          const out = r.args(["app", ...pre, ...secretArgs, ...post]).join(" ");
          expect(out).not.toContain(s);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("hides a generated secret in free text among random words (10,000 runs)", () => {
    const plain = fc.stringMatching(/^[a-z0-9]{1,10}$/);
    fc.assert(
      fc.property(
        fc.array(plain, { maxLength: 6 }),
        embed,
        fc.array(plain, { maxLength: 6 }),
        (pre, [secretArgs, s], post) => {
          fc.pre(![...pre, ...post].some((w) => w.includes(s.slice(0, 8))));
          expect(r.text([...pre, ...secretArgs, ...post].join(" "))).not.toContain(s);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("command() is args() joined, with or without extra patterns (10,000 runs)", () => {
    const anchored = createRedactor(["^corp-[0-9a-f]{8}$"]);
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 6 }),
        embed,
        fc.array(word, { maxLength: 6 }),
        (pre, [secretArgs], post) => {
          const argv = ["app", ...pre, ...secretArgs, ...post];
          expect(r.command(argv)).toBe(r.args(argv).join(" "));
          expect(anchored.command(argv)).toBe(anchored.args(argv).join(" "));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("skips no rule that would match: the prefilter and each rule's needles cover its matches (10,000 runs)", () => {
    const fragment = fc.constantFrom(
      ..."password pass dbPass = : \" ' -- -p -u --user bob: mysql :// @ Bearer basic Authorization ghp_ github_pat_".split(
        " ",
      ),
      ..."AKIA ASIA xoxb- xapp- eyJ . AIza sk_live_ whsec_ sk- npm_ hf_ SG. SK hvs. dckr_pat_ glpat- token sig".split(
        " ",
      ),
      "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
      "ABCDEFGHIJKLMNOP",
      "0123456789abcdef0123456789abcdef",
      "-----BEGIN RSA PRIVATE KEY-----",
      "hooks.slack.com/services/",
      " ",
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 8 }), (parts) => {
        const s = parts.join("");
        for (const rule of TEXT_RULES) {
          rule.re.lastIndex = 0;
          if (!rule.re.test(s)) continue;
          expect(TRIGGERS.scan(s) & SUSPECT).not.toBe(0);
          expect(rule.needles.some((n) => s.toLowerCase().includes(n))).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it("never throws on random input (10,000 runs)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80, unit: "binary" }), { maxLength: 8 }), (args) => {
        expect(Array.isArray(r.args(args))).toBe(true);
        expect(typeof r.text(args.join("\n"))).toBe("string");
      }),
      { numRuns: 10_000 },
    );
  });
});
