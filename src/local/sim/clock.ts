/** Clock ticks per second of the simulated kernel (`getconf CLK_TCK`). */
export const CLK_TCK = 100;

/** The simulated kernel's clock: boot time fixed at start, ticks follow wall time. */
export class SimClock {
  /** Boot time, epoch milliseconds (whole seconds, as /proc/stat's btime). */
  readonly bootMs: number;
  private lastTicks = 0;

  /** @param uptimeAtStartS seconds the simulated node has been up when the simulator starts. @default 7200 */
  constructor(uptimeAtStartS = 7200) {
    this.bootMs = Math.floor(Date.now() / 1000 - uptimeAtStartS) * 1000;
  }

  /** Boot time in seconds since the epoch (`btime` in /proc/stat). */
  get btime(): number {
    return this.bootMs / 1000;
  }

  /** Ticks since boot now. */
  nowTicks(): number {
    return Math.floor(((Date.now() - this.bootMs) * CLK_TCK) / 1000);
  }

  /** A start time for a new process: now, but strictly after every start time handed out before. */
  startTicks(): number {
    const t = Math.max(this.nowTicks(), this.lastTicks + 1);
    this.lastTicks = t;
    return t;
  }

  /** A start time in the past (seeded processes), still after every start time handed out before. */
  pastTicks(secondsAgo: number): number {
    const t = Math.max(this.lastTicks + 1, this.nowTicks() - Math.round(secondsAgo * CLK_TCK));
    this.lastTicks = t;
    return t;
  }

  /** The wall time of a tick count, ISO 8601. */
  isoOfTicks(ticks: number): string {
    return new Date(this.bootMs + (ticks * 1000) / CLK_TCK).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /** /proc/uptime's first field. */
  uptime(): string {
    return ((Date.now() - this.bootMs) / 1000).toFixed(2);
  }
}
