// A checked, rewritten template ready to render with any encoder: the real one (escape.ts) for
// the user-data, a placeholder one for the placement check.
import { CloudInitTemplateError } from './errors';
import type { UserDataFormat } from './format';
import { createTemplateEnvironment, knownHelpers, type Emitter } from './helpers';
import { parseTemplate } from './parse';
import { checkShellPlacement } from './shell-placement';
import { checkAndRewriteTemplate, type OutputSite } from './template-check';
import { rootShape } from './variables';
import { checkNoQuotesAroundValues } from './yaml-placement';

export interface CompiledTemplate {
  format: UserDataFormat;
  sites: readonly OutputSite[];
  render(values: Record<string, unknown>, emit: Emitter): string;
}

/** Parses and checks `text` (see template-check.ts); throws CloudInitTemplateError. */
export function compileTemplate(
  text: string,
  format: UserDataFormat,
  userVariableNames: Iterable<string>,
): CompiledTemplate {
  const program = parseTemplate(text);
  const sites = checkAndRewriteTemplate(program, text, rootShape(userVariableNames));
  if (format === 'cloud-config') checkNoQuotesAroundValues(text, sites);
  else checkShellPlacement(text, sites);
  return {
    format,
    sites,
    render(values, emit) {
      const environment = createTemplateEnvironment(emit);
      const template = environment.compile(program, {
        strict: true,
        knownHelpersOnly: true,
        knownHelpers: knownHelpers(),
      });
      try {
        return template(values);
      } catch (error) {
        throw fromHandlebarsError(error);
      }
    },
  };
}

interface HandlebarsException {
  message: string;
  lineNumber?: number;
  column?: number;
}

// What the checker should have caught, Handlebars still reports; translate it rather than pass
// a bare "x not defined in [object Object]" up.
function fromHandlebarsError(error: unknown): CloudInitTemplateError {
  if (error instanceof CloudInitTemplateError) return error;
  const { message, lineNumber, column } = (error ?? {}) as HandlebarsException;
  const position =
    lineNumber !== undefined && column !== undefined
      ? { line: lineNumber, column: column + 1 }
      : undefined;
  const undefinedName = /^"(.+?)" not defined in/.exec(String(message));
  if (undefinedName) {
    return new CloudInitTemplateError('unknown_variable', `"${undefinedName[1]}" is not defined`, {
      reference: undefinedName[1],
      position,
    });
  }
  const unknownHelper = /unknown helper (\S+)/.exec(String(message));
  if (unknownHelper) {
    return new CloudInitTemplateError('unknown_helper', `unknown helper "${unknownHelper[1]}"`, {
      reference: unknownHelper[1],
      position,
    });
  }
  return new CloudInitTemplateError('render', String(message ?? error).replace(/ - \d+:\d+$/, ''), {
    position,
  });
}
