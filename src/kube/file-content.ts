import type { FileContent } from "../app/ports/cluster.js";
/** Share of undecodable characters above which a file counts as binary. @default 0.05 */
export const BINARY_INVALID_RATIO = 0.05;

/** Drops a UTF-8 sequence cut off at the end by the byte cap, so it does not count as invalid. */
function trimPartialUtf8(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > back ? bytes.subarray(0, bytes.length - back) : bytes;
    }
    return bytes;
  }
  return bytes;
}

/**
 * Turns the bytes of a file into text for chat: binary when it has a NUL byte or too much invalid UTF-8,
 * else the first `maxLines` lines. `cut` says the byte cap was reached.
 */
export function toFileContent(raw: Buffer, maxLines: number, cut: boolean): Omit<FileContent, "path" | "via"> {
  const bytes = cut ? trimPartialUtf8(raw) : raw;
  if (bytes.includes(0)) return { text: null, binary: true, bytes: raw.length, lines: 0, truncated: cut };
  const decoded = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  let invalid = 0;
  for (const ch of decoded) if (ch === "\uFFFD") invalid++;
  const chars = Math.max(1, decoded.length);
  if (invalid / chars > BINARY_INVALID_RATIO) {
    return { text: null, binary: true, bytes: raw.length, lines: 0, truncated: cut };
  }
  const all = decoded.split("\n");
  if (all.length > 1 && all[all.length - 1] === "") all.pop();
  const kept = all.slice(0, Math.max(0, maxLines));
  const moreLines = all.length > kept.length;
  return {
    text: kept.join("\n") + (moreLines || decoded.endsWith("\n") ? "\n" : ""),
    binary: false,
    bytes: raw.length,
    lines: kept.length,
    truncated: cut || moreLines,
  };
}
