import { clip, isDnsSubdomain } from "./kube-names.js";

/** Longest label selector pns accepts. */
export const MAX_SELECTOR_LENGTH = 1024;

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

type Token = { t: "word"; v: string } | { t: "op"; v: "!" | "=" | "==" | "!=" | "(" | ")" | "," };

/** Says why `key` is not a label key (`[prefix/]name`), or null when it is. */
export function labelKeyProblem(key: string): string | null {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && !isDnsSubdomain(prefix)) {
    return `label key "${clip(key)}" has an invalid prefix: it must be a DNS subdomain like example.com`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `"${clip(key)}" is not a valid label key: use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return null;
}

/** Says why `value` is not a label value, or null when it is (the empty value is valid). */
export function labelValueProblem(value: string): string | null {
  if (value === "") return null;
  if (value.length > 63 || !NAME.test(value)) {
    return `"${clip(value)}" is not a valid label value: use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return null;
}

function lex(input: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === " " || c === "\t") {
      i++;
    } else if (c === "!" && input[i + 1] === "=") {
      tokens.push({ t: "op", v: "!=" });
      i += 2;
    } else if (c === "=" && input[i + 1] === "=") {
      tokens.push({ t: "op", v: "==" });
      i += 2;
    } else if (c === "!" || c === "=" || c === "(" || c === ")" || c === ",") {
      tokens.push({ t: "op", v: c });
      i++;
    } else if (/[A-Za-z0-9._/-]/.test(c)) {
      let j = i;
      while (j < input.length && /[A-Za-z0-9._/-]/.test(input[j]!)) j++;
      tokens.push({ t: "word", v: input.slice(i, j) });
      i = j;
    } else {
      return `unexpected character "${clip(c)}" at position ${i + 1}`;
    }
  }
  return tokens;
}

/**
 * Checks a Kubernetes label selector (`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`, joined by
 * commas). Returns null when valid, else what is wrong.
 */
export function labelSelectorProblem(selector: string): string | null {
  if (selector.trim() === "") return "the label selector is empty";
  if (selector.length > MAX_SELECTOR_LENGTH) {
    return `the label selector is ${selector.length} characters long; at most ${MAX_SELECTOR_LENGTH} are allowed`;
  }
  const lexed = lex(selector);
  if (typeof lexed === "string") return lexed;
  const tokens = lexed;
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (tok: Token | undefined, v: string): boolean => tok?.t === "op" && tok.v === v;
  for (;;) {
    const negated = isOp(peek(), "!");
    if (negated) i++;
    const key = peek();
    if (key?.t !== "word") return negated ? 'expected a label key after "!"' : "expected a label key";
    i++;
    const keyProblem = labelKeyProblem(key.v);
    if (keyProblem) return keyProblem;
    const next = peek();
    if (!negated && next && (isOp(next, "=") || isOp(next, "==") || isOp(next, "!="))) {
      i++;
      const value = peek();
      if (value?.t === "word") {
        i++;
        const problem = labelValueProblem(value.v);
        if (problem) return problem;
      }
    } else if (!negated && next?.t === "word" && (next.v === "in" || next.v === "notin")) {
      i++;
      if (!isOp(peek(), "(")) return `expected "(" after "${next.v}"`;
      i++;
      let count = 0;
      for (;;) {
        const value = peek();
        if (value?.t === "word") {
          i++;
          const problem = labelValueProblem(value.v);
          if (problem) return problem;
          count++;
        }
        if (isOp(peek(), ",")) {
          i++;
          continue;
        }
        if (isOp(peek(), ")")) {
          i++;
          break;
        }
        return `expected "," or ")" in the value list of "${clip(key.v)}"`;
      }
      if (count === 0) return `"${next.v}" needs at least one value, like ${key.v} ${next.v} (a,b)`;
    }
    const after = peek();
    if (after === undefined) return null;
    if (!isOp(after, ",")) {
      return `unexpected "${clip(after.v)}" after "${clip(key.v)}": separate requirements with ","`;
    }
    i++;
  }
}
