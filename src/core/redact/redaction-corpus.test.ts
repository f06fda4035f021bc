import { describe, expect, it } from "vitest";
import { record } from "../../../test/reliability/record.js";
import { displayCommand } from "../process/rows.js";
import { ARGV_CASES, BENIGN_ARGV, BENIGN_FILES, FILE_CASES } from "./redaction-corpus.fixtures.js";
import { createRedactor, redactFields, redactText } from "./redactor.js";
import { MASK } from "./rules.js";

/** The shapes issue 13 reported as leaking: each must be a case of the corpus by name. */
const ISSUE_13_MISSES = [
  "redis-server --requirepass",
  "redis-server --masterauth",
  "redis-cli -a",
  "sshpass -p",
  "docker login -p",
  "sqlcmd -P",
  "mongo -pX",
  "DBPASS=",
  "SECRET_KEY_BASE=",
  "PASSWORD_1=",
  "API_KEY_ID=",
  "AUTH_TOKEN_V2=",
  "Go DSN user:pw@tcp(host)/db",
  "--client-key-data=",
  "--jwt=",
  "--cookie value",
  "-Dapi.key=",
  "Slack xoxe-",
  "Google ya29.",
  "Vault s. token",
  "Vault hvs. token",
  "X-Amz-Signature in a presigned URL",
  "any <password>…</password> XML",
  "password: X split across arguments",
  ".netrc on one line",
  ".pgpass",
  "maven settings.xml",
  "YAML block scalar |",
  "htpasswd hashes",
  "/etc/shadow hashes",
  "kubeconfig client-key-data and token",
  "Cyrillic а in password=",
  "zero-width space in PASSWORD",
];

const r = createRedactor();
const withExtra = createRedactor(["(?i)corp-[0-9a-f]{8}"]);

/** Every place a command line is shown: the arguments, the joined line, the table, and as free text. */
function argvSinks(argv: string[]): Record<string, string> {
  return {
    args: r.args(argv).join(" "),
    command: r.command(argv),
    table: displayCommand({ args: argv, comm: "x" } as Parameters<typeof displayCommand>[0], r),
    text: r.text(argv.join(" ")),
    "with extra patterns": withExtra.command(argv),
    "log text": redactText(argv.join(" ")),
  };
}

describe("redaction corpus", () => {
  it("holds at least 150 command lines and 40 files with secrets", () => {
    expect(ARGV_CASES.length).toBeGreaterThanOrEqual(150);
    expect(FILE_CASES.length).toBeGreaterThanOrEqual(40);
  });

  it("names every shape issue 13 found leaking", () => {
    const names = new Set([...ARGV_CASES, ...FILE_CASES].map((c) => c.name));
    expect(ISSUE_13_MISSES.filter((miss) => !names.has(`issue 13: ${miss}`))).toEqual([]);
  });

  it("has unique case names", () => {
    const names = [...ARGV_CASES, ...FILE_CASES].map((c) => c.name);
    expect(names.length).toBe(new Set(names).size);
  });

  it.each(ARGV_CASES)("hides $name in every sink", ({ argv, secrets, keep }) => {
    for (const [sink, out] of Object.entries(argvSinks(argv))) {
      for (const secret of secrets) expect(out, `${sink} leaks ${secret}`).not.toContain(secret);
      expect(out, sink).toContain(MASK);
    }
    // What is not secret stays, in the arguments at least (free text may mask more).
    const shown = r.args(argv).join(" ");
    for (const kept of keep) expect(shown).toContain(kept);
  });

  it.each(FILE_CASES)("hides $name in the file $path", ({ text, secrets, keep }) => {
    const out = r.text(text);
    for (const secret of secrets) expect(out).not.toContain(secret);
    for (const kept of keep) expect(out).toContain(kept);
    // Lines are neither added nor removed: `/pns cat --lines N` counts them after redaction.
    expect(out.split("\n").length).toBe(text.split("\n").length);
  });

  it("hides secrets in structured log fields and audit details", () => {
    const fields = redactFields({
      request: { headers: { authorization: "Bearer fieldtok42", "x-request-id": "abc" } },
      password: "fieldpw42",
      note: "ran mysql -pfieldmy42 app",
      count: 3,
    });
    const out = JSON.stringify(fields);
    for (const secret of ["fieldtok42", "fieldpw42", "fieldmy42"]) expect(out).not.toContain(secret);
    expect(out).toContain('"x-request-id":"abc"');
    expect(out).toContain('"count":3');
  });
});

describe("redaction corpus: the figure", () => {
  it("counts the secrets that reached any sink: none", () => {
    let secrets = 0;
    let leaks = 0;
    for (const { argv, secrets: hidden } of ARGV_CASES) {
      for (const out of Object.values(argvSinks(argv))) {
        for (const secret of hidden) {
          secrets++;
          if (out.includes(secret)) leaks++;
        }
      }
    }
    for (const { text, secrets: hidden } of FILE_CASES) {
      const out = r.text(text);
      for (const secret of hidden) {
        secrets++;
        if (out.includes(secret)) leaks++;
      }
    }
    const changed =
      BENIGN_ARGV.filter(({ argv }) => r.command(argv) !== argv.join(" ")).length +
      BENIGN_FILES.filter(({ text }) => r.text(text) !== text).length;
    expect(leaks).toBe(0);
    expect(changed).toBe(0);
    const sinks = Object.keys(argvSinks(["x"])).length;
    record(
      "redaction-corpus",
      `${ARGV_CASES.length} command lines through ${sinks} sinks and ${FILE_CASES.length} files: ${secrets} secret appearances, ${leaks} leaks; ${BENIGN_ARGV.length + BENIGN_FILES.length} benign cases, ${changed} changed`,
      { argv: ARGV_CASES.length, files: FILE_CASES.length, secrets, leaks, benignChanged: changed },
    );
  });
});

describe("redaction corpus: no false positives", () => {
  it.each(BENIGN_ARGV)("leaves $name intact", ({ argv }) => {
    expect(r.args(argv)).toEqual(argv);
    expect(r.command(argv)).toBe(argv.join(" "));
  });

  it.each(BENIGN_FILES)("leaves the file $name intact", ({ text }) => {
    expect(r.text(text)).toBe(text);
  });
});
