// Where a value may go in a cloud-config template. Each value is printed as one quoted YAML
// scalar (escape.ts), which is only safe, and only reads back as the value, when that scalar is a
// whole YAML value: `key: {{x}}`, `- {{x}}`, `[{{x}}, ...]`. Written inside a longer text
// (`name: node-{{x}}`, `- echo {{x}}`, a block scalar `|` holding a shell script), the quotes
// become part of the text: a shell would then expand $(...) in the value. Inside `"{{x}}"` the
// document does not even parse.
//
// The check renders the template a second time with each value replaced by a unique placeholder,
// parses that document and requires every placeholder found to be a whole scalar value. One kind
// of nesting is allowed: a write_files entry whose path ends in .yaml/.yml is itself YAML (a
// kubeadm or kubelet config), so placeholders inside its content are checked by the same rule one
// level down. Placeholders that vanished were in comments, where a single-line value is harmless.
import { CloudInitTemplateError } from './errors';
import type { OutputSite } from './template-check';
import { isMapping, readSingleYamlDocument, readYamlDocuments } from './yaml-document';

const PLACEHOLDER_STEM = 'cloud-init-value-';

/** A placeholder prefix that does not occur in the template, so every match is ours. */
export function placeholderPrefix(template: string): string {
  let prefix = PLACEHOLDER_STEM;
  for (let n = 1; template.includes(prefix); n++) prefix = `${PLACEHOLDER_STEM}${n}-`;
  return prefix;
}

/** The placeholder printed for output site `site` (the dot keeps site 1 from matching site 10). */
export function placeholder(prefix: string, site: number): string {
  return `${prefix}${site}.`;
}

/** Refuses `"{{x}}"` and `'{{x}}'` early, with the fix in the message. */
export function checkNoQuotesAroundValues(template: string, sites: readonly OutputSite[]): void {
  const lines = template.split('\n');
  for (const site of sites) {
    if (site.position.line !== site.end.line) continue;
    const line = lines[site.position.line - 1] ?? '';
    const before = line[site.position.column - 2];
    const after = line[site.end.column - 1];
    if ((before === '"' || before === "'") && after === before) {
      throw new CloudInitTemplateError(
        'unsafe_placement',
        `${before}${site.expression}${after}: remove the quotes; {{...}} prints a value as a ` +
          'complete, already quoted YAML string',
        { reference: site.expression, position: site.position },
      );
    }
  }
}

const YAML_FILE = /\.ya?ml$/;

class PlacementChecker {
  private readonly pattern: RegExp;

  constructor(
    prefix: string,
    private readonly sites: readonly OutputSite[],
  ) {
    this.pattern = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(\\d+)\\.`, 'g');
  }

  document(root: unknown): void {
    if (!isMapping(root)) return;
    for (const [key, value] of Object.entries(root)) {
      this.key(key);
      if (key === 'write_files' && Array.isArray(value))
        value.forEach((file) => this.writeFile(file));
      else this.value(value);
    }
  }

  private writeFile(file: unknown): void {
    if (!isMapping(file)) return this.value(file);
    for (const [key, value] of Object.entries(file)) {
      this.key(key);
      const plain = file.encoding === undefined || file.encoding === 'text/plain';
      if (
        key === 'content' &&
        typeof value === 'string' &&
        !this.isWhole(value) &&
        this.sitesIn(value).length > 0
      ) {
        if (plain && typeof file.path === 'string' && YAML_FILE.test(file.path))
          this.embeddedYaml(value, file.path);
        else this.embedded(value);
      } else {
        this.value(value);
      }
    }
  }

  private embeddedYaml(content: string, path: string): void {
    const read = readYamlDocuments(content);
    if (!read.ok) {
      const site = this.sites[this.sitesIn(content)[0]!]!;
      throw new CloudInitTemplateError(
        'unsafe_placement',
        `with its values in place, write_files ${path} is ${read.problem}`,
        { reference: site.expression, position: site.position },
      );
    }
    // One level only: a YAML file inside a YAML file is as deep as a cloud-config needs to go.
    for (const document of read.values) this.value(document);
  }

  private value(value: unknown): void {
    if (typeof value === 'string') {
      if (!this.isWhole(value) && this.sitesIn(value).length > 0) this.embedded(value);
    } else if (Array.isArray(value)) {
      value.forEach((item) => this.value(item));
    } else if (isMapping(value)) {
      for (const [key, item] of Object.entries(value)) {
        this.key(key);
        this.value(item);
      }
    }
  }

  private key(key: string): void {
    const [index] = this.sitesIn(key);
    if (index === undefined) return;
    const site = this.sites[index]!;
    throw new CloudInitTemplateError(
      'unsafe_placement',
      `${site.expression} is used as a mapping key; values may only be mapping values or list items`,
      { reference: site.expression, position: site.position },
    );
  }

  private embedded(text: string): never {
    const site = this.sites[this.sitesIn(text)[0]!]!;
    const shown = text.replace(
      this.pattern,
      (_, index: string) => this.sites[Number(index)]?.expression ?? '',
    );
    const excerpt = shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
    throw new CloudInitTemplateError(
      'unsafe_placement',
      `${site.expression} is part of the longer text ${JSON.stringify(excerpt)}; a value must be a whole ` +
        'YAML value (key: {{x}}, - {{x}} or [{{x}}]), because it is printed as a quoted string. ' +
        'Build text with {{concat "prefix-" x}}; pass values to commands as list items ' +
        '(- [cmd, {{x}}]), never inside a shell command line',
      { reference: site.expression, position: site.position },
    );
  }

  private isWhole(text: string): boolean {
    const matches = [...text.matchAll(this.pattern)];
    return matches.length === 1 && matches[0]![0] === text;
  }

  private sitesIn(text: string): number[] {
    return [...text.matchAll(this.pattern)].map((match) => Number(match[1]));
  }
}

/** Checks the placeholder rendering `probe` of a cloud-config template (see the file comment). */
export function checkYamlPlacement(
  probe: string,
  prefix: string,
  sites: readonly OutputSite[],
): void {
  const read = readSingleYamlDocument(probe);
  if (!read.ok) {
    throw new CloudInitTemplateError(
      'unsafe_placement',
      `with each value as a quoted placeholder the document is ${read.problem}; values must be whole YAML values`,
    );
  }
  new PlacementChecker(prefix, sites).document(read.value);
}
