// Where a value may go in a shell-script (#!) template. Values are printed as single-quoted words
// (escape.ts), which the shell reads back literally only outside any other quoting: inside "...",
// an unquoted here-document or `...`, the shell would expand $(...) in the value. So a value may
// only be the whole right-hand side of an assignment on a line of its own,
//
//   JOIN_TOKEN={{JoinToken}}
//
// on a line that starts outside quotes and here-documents; the script then uses "$JOIN_TOKEN".
// A small lexer follows quotes, comments, line continuations and here-documents through the
// template text (with the {{...}} tags blanked out) to know where each line starts.
import { CloudInitTemplateError } from './errors';
import type { OutputSite } from './template-check';

const ASSIGNMENT_PREFIX =
  /^[ \t]*(?:(?:export|readonly|local|declare)[ \t]+)?[A-Za-z_][A-Za-z0-9_]*=$/;
const ASSIGNMENT_SUFFIX = /^(?:[ \t]*|[ \t]+#.*)$/;
const TAG = /\{\{!--[\s\S]*?--\}\}|\{\{[\s\S]*?\}\}/g;
const WORD_BREAK = /[\s;&|()<>]/;

type QuoteState = 'none' | 'single' | 'double' | 'ansi-c' | 'backtick';
interface HereDocument {
  delimiter: string;
  stripTabs: boolean;
}

/** For each line of `script`: whether it starts outside quotes, here-documents and continuations. */
export function linesStartingUnquoted(script: string): boolean[] {
  const starts: boolean[] = [];
  let quote: QuoteState = 'none';
  let hereDocument: HereDocument | undefined;
  const pending: HereDocument[] = [];
  let continued = false;
  for (const line of script.split('\n')) {
    if (hereDocument) {
      starts.push(false);
      const text = hereDocument.stripTabs ? line.replace(/^\t+/, '') : line;
      if (text === hereDocument.delimiter) hereDocument = pending.shift();
      continue;
    }
    starts.push(quote === 'none' && !continued);
    continued = false;
    for (let i = 0; i < line.length; i++) {
      const char = line[i]!;
      if (quote === 'single') {
        if (char === "'") quote = 'none';
      } else if (quote === 'double' || quote === 'ansi-c' || quote === 'backtick') {
        const closing = quote === 'double' ? '"' : quote === 'ansi-c' ? "'" : '`';
        if (char === '\\') i++;
        else if (char === closing) quote = 'none';
      } else if (char === '\\') {
        if (i === line.length - 1) continued = true;
        i++;
      } else if (char === "'") quote = 'single';
      else if (char === '"') quote = 'double';
      else if (char === '`') quote = 'backtick';
      else if (char === '$' && line[i + 1] === "'") {
        quote = 'ansi-c';
        i++;
      } else if (char === '#' && (i === 0 || WORD_BREAK.test(line[i - 1]!))) break;
      else if (char === '<' && line[i + 1] === '<' && line[i + 2] !== '<') {
        const operator = /^<<(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([^\s;&|()<>]+))/.exec(
          line.slice(i),
        );
        if (operator) {
          const delimiter = operator[2] ?? operator[3] ?? operator[4] ?? '';
          pending.push({ delimiter, stripTabs: operator[1] === '-' });
          i += operator[0].length - 1;
        }
      }
    }
    if (quote === 'none' && pending.length > 0) hereDocument = pending.shift();
  }
  return starts;
}

function blankTags(template: string): string {
  return template.replace(TAG, (tag) => tag.replace(/[^\n]/g, ' '));
}

/** Refuses values that are not the whole right-hand side of an unquoted assignment line. */
export function checkShellPlacement(template: string, sites: readonly OutputSite[]): void {
  const lines = template.split('\n');
  const unquoted = linesStartingUnquoted(blankTags(template));
  for (const site of sites) {
    const line = lines[site.position.line - 1] ?? '';
    const prefix = line.slice(0, site.position.column - 1);
    const suffix = line.slice(site.end.column - 1);
    const assignment =
      site.position.line === site.end.line &&
      ASSIGNMENT_PREFIX.test(prefix) &&
      ASSIGNMENT_SUFFIX.test(suffix);
    if (!assignment) {
      throw new CloudInitTemplateError(
        'unsafe_placement',
        `${site.expression}: in a shell script a value may only be the whole right-hand side of an ` +
          'assignment on a line of its own (NAME={{x}}); use "$NAME" where the value is needed',
        { reference: site.expression, position: site.position },
      );
    }
    if (!unquoted[site.position.line - 1]) {
      throw new CloudInitTemplateError(
        'unsafe_placement',
        `${site.expression} is inside a quoted string, a here-document or a continued line, where ` +
          'the shell would expand it; move the assignment out',
        { reference: site.expression, position: site.position },
      );
    }
  }
}
