/** One request the simulator answered. */
export interface RequestEntry {
  method: string;
  path: string;
  /** Route name such as `GET pods`, `WATCH pods`, `PATCH pods/ephemeralcontainers`, `GET pods/exec`. */
  route: string;
  status: number;
  /** Epoch milliseconds. */
  at: number;
  /** Size of the reply's body in bytes (0 for streams: watches, exec, follow logs). */
  bytes: number;
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

  /** Bytes of the replies that matched `route` (all when omitted). */
  bytes(route?: string): number {
    return this.entries.filter((e) => route === undefined || e.route === route).reduce((n, e) => n + e.bytes, 0);
  }

  /** Forgets every entry. */
  reset(): void {
    this.entries.length = 0;
  }
}
