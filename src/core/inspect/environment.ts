/** The environment of a process, with every secret masked: by the key's name, then by the value's shape. */
import type { Redactor } from "../redact/redactor.js";
import { isSecretName, MASK } from "../redact/rules.js";

/** One variable as shown. */
export interface EnvEntry {
  key: string;
  /** The value, or {@link MASK} (in part or whole) where it held a secret. */
  value: string;
  /** True when something of the value was masked. */
  masked: boolean;
}

/** Masks each `KEY=value`: a secret-looking key hides its whole value; otherwise the redactor judges the pair. */
export function redactEnvironment(entries: readonly string[], redactor: Redactor): EnvEntry[] {
  return entries.map((entry) => {
    const eq = entry.indexOf("=");
    const key = eq < 0 ? entry : entry.slice(0, eq);
    const value = eq < 0 ? "" : entry.slice(eq + 1);
    if (isSecretName(key) && value !== "") return { key, value: MASK, masked: true };
    // As a pair the redactor sees `password=…`-like shapes and URLs with credentials; alone, tokens and keys.
    const pair = redactor.text(`${key}=${value}`);
    const shown = pair.startsWith(`${key}=`) ? pair.slice(key.length + 1) : redactor.text(value);
    const alone = shown === value ? redactor.text(value) : shown;
    return { key, value: alone, masked: alone !== value };
  });
}
