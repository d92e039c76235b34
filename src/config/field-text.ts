// How a field's type and default read in the help text and the reference doc.
import type { ConfigField } from './fields';

export function typeText(field: ConfigField): string {
  const choices = field.choices?.join(', ');
  switch (field.kind) {
    case 'integer':
    case 'number':
      return field.range ? `${field.kind} (${field.range})` : field.kind;
    case 'enum':
      return `one of ${choices}`;
    case 'list':
      return choices ? `list of ${choices} (comma-separated)` : 'list of strings (comma-separated)';
    case 'duration':
      return 'duration (e.g. 90s, 30m, 1h30m)';
    default:
      return field.kind;
  }
}

export function defaultText(field: ConfigField): string {
  const value = field.defaultValue;
  if (value === undefined) return 'unset';
  if (Array.isArray(value)) return value.length === 0 ? 'empty' : value.join(',');
  return String(value);
}
