/**
 * Splits the text of a slash command into words the way a shell would, after undoing Slack's formatting:
 * `&lt;` `&gt;` `&amp;` are unescaped, links `<http://x|label>` and `<http://x>` become their label or URL,
 * mentions `<@U123>` become tokens marked as mentions. Quotes: '…', "…", `…` and Slack's smart quotes “…” ‘…’.
 * Zero-width spaces and byte-order marks, invisible leftovers of copy and paste, are dropped.
 */

/** One word of the command text. */
export interface Token {
  /** The word with quotes and Slack markup removed. */
  value: string;
  /** True when the word was quoted: it is never a flag. */
  quoted: boolean;
  /** Set when the word is a Slack mention (`<@U123>`, `<#C123>`, `<!here>`): the mentioned ID or keyword. */
  mention: string | null;
}

/** The words of a command, or what is wrong with its quoting. */
export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; message: string };

const OPENERS: Record<string, string[]> = {
  '"': ['"'],
  // People paste names formatted as code.
  "`": ["`"],
  "'": ["'"],
  "\u201c": ["\u201d", "\u201c"],
  "\u201d": ["\u201d", "\u201c"],
  "\u2018": ["\u2019", "\u2018"],
  "\u2019": ["\u2019", "\u2018"],
};

function unescapeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp);/g, (_, e: string) => (e === "lt" ? "<" : e === "gt" ? ">" : "&"));
}

// Mentions are swapped for private-use placeholders so that quoting and word splitting see one string.
const MARK_OPEN = "\uE000";
const MARK_CLOSE = "\uE001";

interface Mention {
  id: string;
  shown: string;
}

function replaceMarkup(text: string, mentions: Mention[]): string {
  const clean = text.replace(/[\uE000\uE001]/g, "\uFFFD");
  return clean.replace(/<([^<>]*)>/g, (_, inner: string) => {
    const bar = inner.indexOf("|");
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : "";
    if (/^[@#!]/.test(target)) {
      mentions.push({ id: target.slice(1), shown: `@${unescapeEntities(label || target.slice(1))}` });
      return `${MARK_OPEN}${mentions.length - 1}${MARK_CLOSE}`;
    }
    return label || target;
  });
}

/** Splits `text` into words; see the module comment for the rules. */
export function tokenize(text: string): TokenizeResult {
  const mentions: Mention[] = [];
  const s = unescapeEntities(replaceMarkup(text, mentions)).replace(/[\u200b\u2060\ufeff]/g, "");
  const tokens: Token[] = [];
  let current: Token | null = null;
  const flush = (): void => {
    if (current) {
      const whole = /^\uE000(\d+)\uE001$/.exec(current.value);
      const mention = whole && !current.quoted ? mentions[Number(whole[1])] : undefined;
      if (mention) {
        tokens.push({ value: mention.shown, quoted: false, mention: mention.id });
      } else {
        const value = current.value.replace(/\uE000(\d+)\uE001/g, (_, n: string) => mentions[Number(n)]?.shown ?? "");
        tokens.push({ ...current, value });
      }
    }
    current = null;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      flush();
      i++;
      continue;
    }
    const closers = current === null ? OPENERS[c] : undefined;
    if (closers) {
      let j = i + 1;
      while (j < s.length && !closers.includes(s[j]!)) j++;
      if (j >= s.length) {
        const near = s.slice(i, i + 20).replace(/[\uE000\uE001]/g, "");
        return { ok: false, message: `the quote ${c} at "${near}" is never closed: add a closing ${closers[0]}` };
      }
      current = { value: s.slice(i + 1, j), quoted: true, mention: null };
      i = j + 1;
      continue;
    }
    current ??= { value: "", quoted: false, mention: null };
    current.value += c;
    i++;
  }
  flush();
  return { ok: true, tokens };
}
