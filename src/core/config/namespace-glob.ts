import picomatch from "picomatch";

/** True when a pattern has glob syntax, i.e. is not a plain namespace name. */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

/** True when `namespace` matches one of the names or globs. Never throws: a pattern that fails to compile matches nothing. */
export function namespaceMatches(namespace: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    try {
      return picomatch.isMatch(namespace, p);
    } catch {
      return false;
    }
  });
}

/** Says why a namespace glob does not compile, or null when it does. */
export function globProblem(pattern: string): string | null {
  try {
    picomatch.makeRe(pattern);
    return null;
  } catch (err) {
    return `"${pattern}" is not a valid glob: ${(err as Error).message}`;
  }
}
