// `--help`: every flag with its env var, type and default, straight from the schema.
import { defaultText, typeText } from './field-text';
import { CONFIG_FIELDS, CONFIG_FILE_ENV, CONFIG_SECTIONS } from './fields';
import { CONFIG_FILE_FLAG, HELP_FLAGS } from './legacy-flags';

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((arg) => (HELP_FLAGS as readonly string[]).includes(arg));
}

export function renderHelp(program = 'vpsie-autoscaler'): string {
  const lines = [
    `Usage: ${program} [flags]`,
    '',
    'Each setting is taken from its flag, else its env var, else the YAML config file, else its default.',
    'Reference: docs/configuration/config-reference.md',
    '',
    `  ${CONFIG_FILE_FLAG} PATH`,
    `      YAML config file (env ${CONFIG_FILE_ENV}).`,
  ];
  const topLevel = CONFIG_FIELDS.filter((field) => field.segments.length === 1);
  const groups = [
    ...CONFIG_SECTIONS.filter((section) => !section.path.includes('.')).map((section) => ({
      title: section.path,
      fields: CONFIG_FIELDS.filter((field) => field.segments[0] === section.path),
    })),
    { title: 'other', fields: topLevel },
  ];
  for (const group of groups) {
    lines.push('', `${group.title}:`);
    for (const field of group.fields) {
      lines.push(`  ${field.flags.join(', ')}  ${typeText(field)}`);
      lines.push(`      ${field.description}`);
      lines.push(`      env ${field.env}, default ${defaultText(field)}`);
    }
  }
  return lines.join('\n') + '\n';
}
