// Which template a NodeGroup uses: its inline cloudInitTemplate, the ConfigMap key named by
// cloudInitTemplateRef, or our default. Reading the ConfigMap is the caller's job (an activity);
// this only picks the text out of what was read, and says precisely what is missing.
import { CloudInitTemplateError } from './errors';
import { DEFAULT_CLOUD_INIT_TEMPLATE } from './default-template';

export type CloudInitTemplateSource =
  | { kind: 'inline'; text: string }
  | { kind: 'configMap'; configMapName: string; key: string; text: string }
  | { kind: 'default'; text: string };

/** The NodeGroup fields that choose the template. */
export interface CloudInitTemplateFields {
  cloudInitTemplate?: string;
  cloudInitTemplateRef?: { name: string; key: string };
}

/** The parts of a ConfigMap we read (as the Kubernetes API returns it). */
export interface ConfigMapLike {
  metadata?: { name?: string; namespace?: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** How error messages and logs name a template. */
export function describeTemplateSource(source: CloudInitTemplateSource): string {
  switch (source.kind) {
    case 'inline':
      return 'inline cloudInitTemplate';
    case 'configMap':
      return `ConfigMap "${source.configMapName}" key "${source.key}"`;
    default:
      return 'default template';
  }
}

function sourceError(detail: string): CloudInitTemplateError {
  return new CloudInitTemplateError('template_source', detail);
}

/**
 * The template for a NodeGroup. `configMap` is the ConfigMap named by cloudInitTemplateRef as
 * read by the caller, or undefined when it does not exist (or no reference is set).
 */
export function chooseTemplateSource(
  fields: CloudInitTemplateFields,
  configMap?: ConfigMapLike,
): CloudInitTemplateSource {
  const { cloudInitTemplate: inline, cloudInitTemplateRef: ref } = fields;
  // The CRD forbids setting both; a NodeGroup that slipped past it must not silently lose one.
  if (inline !== undefined && ref !== undefined) {
    throw sourceError('cloudInitTemplate and cloudInitTemplateRef are both set; set at most one');
  }
  if (inline !== undefined) {
    if (inline.trim() === '') throw sourceError('cloudInitTemplate is empty');
    return { kind: 'inline', text: inline };
  }
  if (ref === undefined) return { kind: 'default', text: DEFAULT_CLOUD_INIT_TEMPLATE };

  const where = `ConfigMap "${ref.name}"`;
  if (configMap === undefined) {
    throw sourceError(`${where} (cloudInitTemplateRef) was not found in the NodeGroup's namespace`);
  }
  if (configMap.metadata?.name !== undefined && configMap.metadata.name !== ref.name) {
    throw sourceError(
      `was given ConfigMap "${configMap.metadata.name}" for cloudInitTemplateRef ${where}`,
    );
  }
  const text = configMap.data?.[ref.key];
  if (text === undefined) {
    const binary =
      configMap.binaryData?.[ref.key] !== undefined
        ? ' (it is in binaryData; templates must be text, in data)'
        : '';
    const keys = Object.keys(configMap.data ?? {});
    const has =
      keys.length === 0 ? 'it has no data keys' : `it has ${keys.map((k) => `"${k}"`).join(', ')}`;
    throw sourceError(`${where} has no key "${ref.key}"${binary}; ${has}`);
  }
  if (text.trim() === '') throw sourceError(`${where} key "${ref.key}" is empty`);
  return { kind: 'configMap', configMapName: ref.name, key: ref.key, text };
}
