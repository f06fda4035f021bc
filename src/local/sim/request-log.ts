/** One request the simulator answered. */
export interface RequestEntry {
  method: string;
  path: string;
  /** Route name such as `GET pods`, `WATCH pods`, `PATCH pods/ephemeralcontainers`, `GET pods/exec`. */
  route: string;
  status: number;
  /** Epoch milliseconds. */
  at: number;
}

/** Every request the simulator answered, for tests to count. */
export class RequestLog {
  readonly entries: RequestEntry[] = [];

  /** Records one request. */
  add(entry: RequestEntry): void {
    this.entries.push(entry);
  }

  /** How many requests matched `route` (all when omitted). */
  count(route?: string): number {
    return route === undefined ? this.entries.length : this.entries.filter((e) => e.route === route).length;
  }

  /** Forgets every entry. */
  reset(): void {
    this.entries.length = 0;
  }
}
