// Reading YAML the way cloud-init does. cloud-init loads user-data with PyYAML's safe_load, a YAML
// 1.1 parser that refuses more than one document, so we parse as YAML 1.1 (where `on`, `yes` and
// `0755` mean what they mean on the node), insist on one document, and refuse duplicate keys,
// which PyYAML would silently resolve to the last one (letting a later key hide an earlier one).
import { parseAllDocuments } from 'yaml';
import type { TemplatePosition } from './errors';

export type YamlReadResult =
  { ok: true; value: unknown } | { ok: false; problem: string; position?: TemplatePosition };

/** `text` as one YAML document, or what is wrong with it. An empty text has no document. */
export function readSingleYamlDocument(text: string): YamlReadResult {
  const documents = parseAllDocuments(text, {
    version: '1.1',
    uniqueKeys: true,
    prettyErrors: true,
  });
  const list = Array.isArray(documents) ? documents : [];
  for (const document of list) {
    const error = document.errors[0];
    if (error) {
      const [start] = error.linePos ?? [];
      return {
        ok: false,
        problem: `not valid YAML: ${firstLine(error.message)}`,
        position: start && { line: start.line, column: start.col },
      };
    }
  }
  if (list.length === 0) return { ok: false, problem: 'empty (no YAML document)' };
  if (list.length > 1) {
    return {
      ok: false,
      problem: `made of ${list.length} YAML documents; cloud-init reads exactly one`,
    };
  }
  return { ok: true, value: list[0]!.toJS({ maxAliasCount: 100 }) as unknown };
}

/** Every YAML document in `text` (for files such as a kubeadm config that may hold several). */
export function readYamlDocuments(
  text: string,
): { ok: true; values: unknown[] } | { ok: false; problem: string } {
  const documents = parseAllDocuments(text, {
    version: '1.1',
    uniqueKeys: true,
    prettyErrors: true,
  });
  const list = Array.isArray(documents) ? documents : [];
  const failed = list.find((document) => document.errors.length > 0);
  if (failed)
    return { ok: false, problem: `not valid YAML: ${firstLine(failed.errors[0]!.message)}` };
  return {
    ok: true,
    values: list.map((document) => document.toJS({ maxAliasCount: 100 }) as unknown),
  };
}

// With prettyErrors the message starts with "what at line L, column C:" and then shows the
// context; the first line is what a condition message or log line can hold.
function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.replace(/:$/, '');
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
