// Splits shell text into words, operators, redirections and here-documents, the way a POSIX
// shell tokenises it. Only as much shell as boot scripts use on the way to `kubeadm join`:
// quoting, backslashes, `$NAME` / `${NAME}` references (expanded later, when the variables are
// known), comments, line continuations and here-documents. Anything fancier (`$(…)`, backticks,
// `$1`) stays literal text.

export type WordPart = { text: string } | { variable: string };

export interface Word {
  parts: WordPart[];
}

export type Token =
  | { kind: 'word'; word: Word }
  /** Command separators: `;`, `&&`, `||`, `|`, `&`, a newline, `(` and `)`. */
  | { kind: 'op'; op: string }
  /** `>`, `>>`, `<`, `>&`, …; the next word token is the target. `fd` defaults to 0 or 1. */
  | { kind: 'redirect'; op: string; fd: number }
  | { kind: 'heredoc'; body: string; expand: boolean };

export class ShellSyntaxError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS = ['&&', '||', ';;', ';', '|', '&', '(', ')'];
const REDIRECTS = ['>>', '>|', '>&', '<&', '<>', '>', '<'];

export function lexShell(source: string): Token[] {
  return new Lexer(source).run();
}

interface PendingHeredoc {
  token: { kind: 'heredoc'; body: string; expand: boolean };
  delimiter: string;
  stripTabs: boolean;
}

class Lexer {
  private i = 0;
  private readonly tokens: Token[] = [];
  private pending: PendingHeredoc[] = [];

  constructor(private readonly src: string) {}

  run(): Token[] {
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (c === ' ' || c === '\t' || c === '\r') this.i += 1;
      else if (this.src.startsWith('\\\n', this.i)) this.i += 2;
      else if (c === '\n') {
        this.i += 1;
        this.tokens.push({ kind: 'op', op: '\n' });
        this.readHeredocBodies();
      } else if (c === '#') this.skipComment();
      else if (!this.operator()) this.word();
    }
    if (this.pending.length > 0) this.readHeredocBodies();
    return this.tokens;
  }

  private skipComment() {
    const end = this.src.indexOf('\n', this.i);
    this.i = end < 0 ? this.src.length : end;
  }

  private operator(): boolean {
    const rest = this.src.slice(this.i);
    if (rest.startsWith('<<')) return this.heredoc(rest.startsWith('<<-') ? 3 : 2);
    const fdMatch = /^(\d+)(?=[<>])/.exec(rest);
    const fdText = fdMatch?.[1] ?? (rest.startsWith('&>') ? '&' : undefined);
    const afterFd = fdText === undefined ? rest : rest.slice(fdText.length);
    const redirect = REDIRECTS.find((op) => afterFd.startsWith(op));
    if (redirect) {
      // `&>file` sends stdout (and stderr) to the file: for us, a stdout redirection.
      const fd = fdText === undefined || fdText === '&' ? (redirect[0] === '<' ? 0 : 1) : +fdText;
      this.tokens.push({ kind: 'redirect', op: redirect, fd });
      this.i += (fdText?.length ?? 0) + redirect.length;
      return true;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (!op) return false;
    this.tokens.push({ kind: 'op', op });
    this.i += op.length;
    return true;
  }

  /** `<<DELIM` / `<<-DELIM`: the body follows the end of the current line. */
  private heredoc(length: number): boolean {
    this.i += length;
    while (this.src[this.i] === ' ' || this.src[this.i] === '\t') this.i += 1;
    const start = this.i;
    const delimiter = this.readWord();
    if (delimiter.parts.length === 0)
      throw new ShellSyntaxError('a here-document has no delimiter');
    // Any quoting in the delimiter turns expansion off for the body.
    const quoted = /['"\\]/.test(this.src.slice(start, this.i));
    const token = { kind: 'heredoc' as const, body: '', expand: !quoted };
    this.tokens.push(token);
    this.pending.push({ token, delimiter: literalText(delimiter), stripTabs: length === 3 });
    return true;
  }

  private readHeredocBodies() {
    for (const doc of this.pending) {
      const lines: string[] = [];
      let closed = false;
      while (this.i < this.src.length) {
        const end = this.src.indexOf('\n', this.i);
        const raw = this.src.slice(this.i, end < 0 ? this.src.length : end);
        this.i = end < 0 ? this.src.length : end + 1;
        const line = (doc.stripTabs ? raw.replace(/^\t+/, '') : raw).replace(/\r$/, '');
        if (line === doc.delimiter) {
          closed = true;
          break;
        }
        lines.push(line);
      }
      if (!closed) {
        throw new ShellSyntaxError(`here-document delimited by "${doc.delimiter}" is not closed`);
      }
      doc.token.body = lines.map((line) => `${line}\n`).join('');
    }
    this.pending = [];
  }

  private word() {
    this.tokens.push({ kind: 'word', word: this.readWord() });
  }

  private readWord(): Word {
    const parts: WordPart[] = [];
    const text = (t: string) => parts.push({ text: t });
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (/[\s;&|<>()]/.test(c)) break;
      if (c === "'") {
        const end = this.src.indexOf("'", this.i + 1);
        if (end < 0) throw new ShellSyntaxError('unterminated single quote');
        text(this.src.slice(this.i + 1, end));
        this.i = end + 1;
      } else if (c === '"') {
        this.doubleQuoted(parts);
      } else if (c === '\\') {
        if (this.src[this.i + 1] !== '\n') text(this.src[this.i + 1] ?? '');
        this.i += 2;
      } else if (c === '$') {
        parts.push(this.dollar());
      } else if (c === '`') {
        const end = this.src.indexOf('`', this.i + 1);
        if (end < 0) throw new ShellSyntaxError('unterminated backquote');
        text(this.src.slice(this.i, end + 1));
        this.i = end + 1;
      } else {
        text(c);
        this.i += 1;
      }
    }
    return { parts: merge(parts) };
  }

  private doubleQuoted(parts: WordPart[]) {
    this.i += 1;
    // An empty "" is still a word: keep a part so the word is not dropped.
    parts.push({ text: '' });
    while (this.i < this.src.length && this.src[this.i] !== '"') {
      const c = this.src[this.i]!;
      if (c === '\\' && '$`"\\\n'.includes(this.src[this.i + 1] ?? '')) {
        if (this.src[this.i + 1] !== '\n') parts.push({ text: this.src[this.i + 1]! });
        this.i += 2;
      } else if (c === '$') {
        parts.push(this.dollar());
      } else {
        parts.push({ text: c });
        this.i += 1;
      }
    }
    if (this.src[this.i] !== '"') throw new ShellSyntaxError('unterminated double quote');
    this.i += 1;
  }

  /** At a `$`: a variable reference, or literal text for what we do not expand. */
  private dollar(): WordPart {
    const rest = this.src.slice(this.i + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (braced) {
      this.i += 1 + braced[0].length;
      return { variable: braced[1]! };
    }
    const name = NAME.exec(rest);
    if (name) {
      this.i += 1 + name[0].length;
      return { variable: name[0] };
    }
    if (rest.startsWith('(')) {
      const end = matchingParen(this.src, this.i + 1);
      const literal = this.src.slice(this.i, end + 1);
      this.i = end + 1;
      return { text: literal };
    }
    this.i += 1;
    return { text: '$' };
  }
}

function matchingParen(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i += 1) {
    if (src[i] === '(') depth += 1;
    else if (src[i] === ')' && --depth === 0) return i;
  }
  throw new ShellSyntaxError('unterminated $( )');
}

function merge(parts: WordPart[]): WordPart[] {
  const merged: WordPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if ('text' in part && last && 'text' in last) last.text += part.text;
    else merged.push({ ...part });
  }
  return merged;
}

/** A word's text with variable references written back as `$NAME`. */
export function literalText(word: Word): string {
  return word.parts.map((p) => ('text' in p ? p.text : `$${p.variable}`)).join('');
}
