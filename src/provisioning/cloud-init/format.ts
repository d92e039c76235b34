// The two kinds of user-data we produce, told apart by the first line as cloud-init does. Other
// kinds (#include, #cloud-boothook, MIME multipart, `## template: jinja`) are refused: jinja in
// particular would run a second template engine over our already-encoded values.
import { CloudInitTemplateError } from './errors';

export type UserDataFormat = 'cloud-config' | 'shell-script';

/** The format the first line declares, or undefined. */
export function userDataFormat(text: string): UserDataFormat | undefined {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  if (firstLine.replace(/[ \t\r]+$/, '') === '#cloud-config') return 'cloud-config';
  if (firstLine.startsWith('#!')) return 'shell-script';
  return undefined;
}

/** The format of a template, whose first line must state it literally (no {{...}} there). */
export function templateFormat(template: string): UserDataFormat {
  const format = userDataFormat(template);
  const firstLine = template.split('\n', 1)[0] ?? '';
  if (format === undefined || firstLine.includes('{{')) {
    throw new CloudInitTemplateError(
      'invalid_output',
      'the first line must be "#cloud-config" (a cloud-config YAML document) or "#!" followed by ' +
        `an interpreter (a shell script), written literally; it is ${JSON.stringify(firstLine.slice(0, 60))}`,
      { position: { line: 1, column: 1 } },
    );
  }
  return format;
}
