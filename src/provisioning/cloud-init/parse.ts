// Parsing a template into Handlebars' AST, with parse errors turned into a line and column.
import Handlebars from 'handlebars';
import { CloudInitTemplateError, type TemplatePosition } from './errors';

export type TemplateProgram = hbs.AST.Program;

/** The template's AST (with Handlebars' usual standalone-line whitespace handling). */
export function parseTemplate(text: string): TemplateProgram {
  try {
    return Handlebars.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CloudInitTemplateError('parse', summarise(message), {
      position: parseErrorPosition(message, text),
    });
  }
}

// Handlebars' parse errors span several lines (a context line and a caret); the first and last
// lines say what went wrong: "Parse error on line 3:" ... "Expecting 'ID', got 'EOF'".
function summarise(message: string): string {
  const lines = message.split('\n');
  if (lines.length < 3) return message.replace(/ - \d+:\d+$/, '');
  if (lines[0]!.startsWith('Lexical error')) return lines[0]!.replace(/ on line \d+\./, ':');
  return `${lines[0]!.replace(/ on line \d+:$/, '')}: ${lines.at(-1)}`;
}

/**
 * Where a Handlebars parse error is. Errors from the AST builder carry "- line:column"; errors
 * from the (jison) parser only carry the line, plus a caret under the last 20 characters consumed
 * with line breaks removed, which locates the column once matched against the source.
 */
export function parseErrorPosition(message: string, source: string): TemplatePosition | undefined {
  const astError = /- (\d+):(\d+)$/.exec(message);
  if (astError) return { line: Number(astError[1]), column: Number(astError[2]) + 1 };
  const parserError = /^(?:Parse|Lexical) error on line (\d+)[^\n]*\n(.*)\n(-*)\^/.exec(message);
  if (!parserError) return undefined;
  const line = Number(parserError[1]);
  const consumed = parserError[2]!.slice(0, parserError[3]!.length).replace(/^\.\.\./, '');
  const lines = source.split('\n');
  const before = lines.slice(0, line - 1).join('');
  const text = lines[line - 1] ?? '';
  for (let column = text.length; column >= 0; column--) {
    if ((before + text.slice(0, column)).endsWith(consumed)) return { line, column: column + 1 };
  }
  return { line, column: 1 };
}
