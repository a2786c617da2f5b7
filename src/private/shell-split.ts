/**
 * Split a command string into words as Docker Compose does (go-shellwords, without running
 * anything): whitespace separates words; single quotes keep everything literal; a backslash
 * (outside single quotes) takes the next character literally, in double quotes too; `$(...)` and
 * backquotes keep their text, spaces included, in the word. Compose reads a string command only up
 * to the first `;`, `&`, `|`, `<` or `>` outside quotes (a digit before `>`, as in `2>`, goes with
 * it): what follows is dropped, and returned as `rest`. A `(` that does not follow `$`, an unclosed
 * quote, `$(` or backquote, or a trailing backslash make the string unreadable, as in compose.
 */
import { DocPath, Problems, quote } from './problems';

export interface ShellSplit {
  readonly words?: string[];
  readonly error?: string;
  /** What compose drops, from the first `;`, `&`, `|`, `<` or `>` outside quotes. */
  readonly rest?: string;
}

const SPACE = new Set([' ', '\t', '\r', '\n']);

export function shellSplit(text: string): ShellSplit {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let escaped = false;
  let single = false;
  let double = false;
  let backquote = false;
  let dollar = false;
  let rest: string | undefined;
  const chars = [...text];
  let offset = 0;
  for (let i = 0; i < chars.length; offset += chars[i].length, i++) {
    const c = chars[i];
    if (escaped) {
      escaped = false;
      word += c;
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (single) word += c;
      else escaped = true;
      continue;
    }
    if (SPACE.has(c)) {
      if (single || double || backquote || dollar) {
        word += c;
      } else if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      continue;
    }
    const quoted = single || double;
    if (c === '`' && !quoted && !dollar) {
      backquote = !backquote;
    } else if (c === ')' && !quoted && !backquote) {
      dollar = !dollar;
    } else if (c === '(' && !quoted && !backquote) {
      if (dollar || !word.endsWith('$')) return { error: `"(" at position ${offset} is not in quotes and follows no "$"` };
      dollar = true;
    } else if (c === '"' && !single && !dollar) {
      if (double) inWord = true;
      double = !double;
      continue;
    } else if (c === "'" && !double && !dollar) {
      if (single) inWord = true;
      single = !single;
      continue;
    } else if (';&|<>'.includes(c) && !(quoted || backquote || dollar)) {
      let cut = offset;
      if (c === '>' && word !== '' && /^\d+$/.test(word)) {
        // "2>file": the file descriptor goes with the redirection
        cut -= word.length;
        inWord = false;
      }
      rest = text.slice(cut);
      break;
    }
    word += c;
    inWord = true;
  }
  if (inWord) words.push(word);
  if (escaped) return { error: 'trailing backslash' };
  if (single || double) return { error: `unterminated ${single ? 'single' : 'double'} quote` };
  if (backquote) return { error: 'unterminated backquote' };
  if (dollar) return { error: 'unterminated "$(" or an unmatched ")"' };
  return rest === undefined ? { words } : { words, rest };
}

/**
 * A string `command` or `entrypoint` as compose reads it, into words; an unreadable string is an
 * error, and the part compose drops (after `;`, `&&`, `|`, `>`...) a warning: run it through a shell
 * (`["sh", "-c", "..."]`) to keep it.
 */
export function splitCommand(text: string, at: DocPath, problems: Problems): string[] | undefined {
  const split = shellSplit(text);
  if (split.error !== undefined) {
    problems.error(at, `cannot split ${quote(text)} into words as Docker Compose does: ${split.error}`);
    return undefined;
  }
  if (split.rest !== undefined) {
    problems.warn('command-cut', at, `Docker Compose reads this command only up to ${quote(split.rest)}, which it drops, and so does this construct: to run it, write ["sh", "-c", ${quote(text)}]`);
  }
  return split.words;
}
