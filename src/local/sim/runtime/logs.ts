import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { badRequest } from "../status.js";

/** One line of a container's log: when the runtime read it, from which stream, and its text (no newline). */
export interface LogLine {
  time: Date;
  stream: "stdout" | "stderr";
  text: string;
}

/** The query of `GET pods/{name}/log` (kubernetes pkg/apis/core/types.go `PodLogOptions`). */
export interface LogQuery {
  container: string | null;
  follow: boolean;
  previous: boolean;
  sinceSeconds: number | null;
  sinceTime: Date | null;
  timestamps: boolean;
  tailLines: number | null;
  limitBytes: number | null;
}

/** RFC 3339 with nanoseconds, as the kubelet's `--timestamps` prints (`2026-12-01T09:41:28.123000000Z`). */
export function nanoTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

/**
 * One container instance's log, in the CRI format the kubelet reads (`<RFC3339Nano> <stream> F <text>`): kept in
 * memory and, when a path is given, appended to that file as containerd does.
 */
export class ContainerLog {
  readonly lines: LogLine[] = [];
  private readonly listeners = new Set<(l: LogLine | null) => void>();
  private partial: Record<LogLine["stream"], string> = { stdout: "", stderr: "" };
  /** True once the container instance has exited: `follow` ends. */
  ended = false;

  constructor(readonly path: string | null = null) {
    if (path) mkdirSync(dirname(path), { recursive: true });
  }

  /** Appends what a stream printed; complete lines become entries. */
  write(stream: LogLine["stream"], data: Buffer | string): void {
    const text = this.partial[stream] + data.toString();
    const parts = text.split("\n");
    this.partial[stream] = parts.pop() ?? "";
    for (const p of parts) this.add({ time: new Date(), stream, text: p });
  }

  /** The instance ended: a partial last line is flushed and followers stop. */
  end(): void {
    for (const s of ["stdout", "stderr"] as const) {
      if (this.partial[s] !== "") this.add({ time: new Date(), stream: s, text: this.partial[s] });
      this.partial[s] = "";
    }
    this.ended = true;
    for (const l of [...this.listeners]) l(null);
  }

  /** Calls `fn` for every new line, then with null at the end; returns the unsubscribe function. */
  follow(fn: (l: LogLine | null) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private add(l: LogLine): void {
    this.lines.push(l);
    if (this.path) appendFileSync(this.path, `${nanoTime(l.time)} ${l.stream} F ${l.text}\n`);
    for (const fn of [...this.listeners]) fn(l);
  }
}

function intParam(q: URLSearchParams, key: string, min: number): number | null {
  const v = q.get(key);
  if (v === null || v === "") return null;
  if (!/^-?\d+$/.test(v) || Number(v) < min)
    throw badRequest(
      `${key}: Invalid value: "${v}": must be ${min === 0 ? "greater than or equal to 0" : "greater than 0"}`,
    );
  return Number(v);
}

/** Parses and validates the log query as the API server does. */
export function parseLogQuery(q: URLSearchParams): LogQuery {
  const flag = (k: string) => ["true", "1"].includes(q.get(k) ?? "");
  const sinceSeconds = intParam(q, "sinceSeconds", 1);
  const rawTime = q.get("sinceTime");
  let sinceTime: Date | null = null;
  if (rawTime) {
    sinceTime = new Date(rawTime);
    if (Number.isNaN(sinceTime.getTime())) throw badRequest(`sinceTime: Invalid value: "${rawTime}": must be RFC3339`);
  }
  if (sinceSeconds !== null && sinceTime !== null)
    throw badRequest("at most one of `sinceTime` or `sinceSeconds` may be specified");
  return {
    container: q.get("container"),
    follow: flag("follow"),
    previous: flag("previous"),
    sinceSeconds,
    sinceTime,
    timestamps: flag("timestamps"),
    tailLines: intParam(q, "tailLines", 0),
    limitBytes: intParam(q, "limitBytes", 1),
  };
}

/** Formats one log line as the API streams it. */
export function formatLine(l: LogLine, q: LogQuery): string {
  return q.timestamps ? `${nanoTime(l.time)} ${l.text}\n` : `${l.text}\n`;
}

/** The lines a query selects from a log, oldest first: the tail first, then the since filter (as the kubelet reads). */
export function selectLines(log: ContainerLog, q: LogQuery, now = new Date()): LogLine[] {
  let lines = log.lines;
  if (q.tailLines !== null) lines = q.tailLines === 0 ? [] : lines.slice(-q.tailLines);
  const since = q.sinceTime ?? (q.sinceSeconds !== null ? new Date(now.getTime() - q.sinceSeconds * 1000) : null);
  if (since) lines = lines.filter((l) => l.time.getTime() >= since.getTime());
  return lines;
}

/** Applies `limitBytes` to what is written so far. */
export class ByteLimit {
  private left: number;
  constructor(limit: number | null) {
    this.left = limit ?? Number.POSITIVE_INFINITY;
  }
  /** The part of `text` still allowed, or null when the limit is reached. */
  take(text: string): string | null {
    if (this.left <= 0) return null;
    const buf = Buffer.from(text);
    if (buf.length <= this.left) {
      this.left -= buf.length;
      return text;
    }
    const part = buf.subarray(0, this.left).toString();
    this.left = 0;
    return part;
  }
  /** True when nothing more may be written. */
  get done(): boolean {
    return this.left <= 0;
  }
}
