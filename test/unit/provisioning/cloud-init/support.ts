// Shared by the cloud-init tests: rendering shortcuts and a way to assert the error a template
// fails with.
import { parse } from 'yaml';
import {
  type BuiltInVariables,
  CloudInitTemplateError,
  type RenderedCloudInit,
  SAMPLE_BUILT_IN_VARIABLES,
  renderCloudInit,
} from '../../../../src/provisioning/cloud-init';

export const BUILT_INS: BuiltInVariables = SAMPLE_BUILT_IN_VARIABLES;

export function renderInline(
  text: string,
  variables: Record<string, string> = {},
  builtIns: BuiltInVariables = BUILT_INS,
): RenderedCloudInit {
  return renderCloudInit({ source: { kind: 'inline', text }, builtIns, variables });
}

/** The rendered cloud-config, parsed (YAML 1.1, as cloud-init reads it). */
export function renderedDocument(
  text: string,
  variables: Record<string, string> = {},
  builtIns: BuiltInVariables = BUILT_INS,
): Record<string, unknown> {
  return parse(renderInline(text, variables, builtIns).userData, { version: '1.1' }) as Record<
    string,
    unknown
  >;
}

/** The CloudInitTemplateError `render` throws; fails the test if it throws nothing or another. */
export function renderError(render: () => unknown): CloudInitTemplateError {
  try {
    render();
  } catch (error) {
    if (error instanceof CloudInitTemplateError) return error;
    throw error;
  }
  throw new Error('expected a CloudInitTemplateError, but rendering succeeded');
}
