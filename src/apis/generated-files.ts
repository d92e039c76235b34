// Every file generated from the schemas, as path + content: the CRD manifests in crds/ and the
// field reference in docs/api/. Pure, so the generator script and the tests share it.
import YAML from 'yaml';
import { REGENERATE_COMMAND, renderCrdDocs } from './crd-docs';
import { buildCrds } from './crds';
import type { CustomResourceDefinition } from './kubernetes-schema';

export { REGENERATE_COMMAND };

export interface GeneratedFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  content: string;
  /** What the file holds when parsed, to compare independently of formatting. */
  data?: unknown;
}

export const CRD_HEADER = [
  '# Generated from the zod schemas in src/apis/v1alpha1 by scripts/build/generate-crds.ts.',
  `# Do not edit: regenerate with \`${REGENERATE_COMMAND}\`.`,
].join('\n');

export const DOCS_PATH = 'docs/api/crds.md';

export function crdPath(crd: CustomResourceDefinition): string {
  return `crds/${crd.spec.group}_${crd.spec.names.plural}.yaml`;
}

export function renderCrdYaml(crd: CustomResourceDefinition): string {
  // lineWidth 0: never fold long descriptions and patterns across lines. YAML 1.1 quoting, as
  // kubectl's parser is YAML 1.1: a value such as 22:00 or `on` must stay a string there too.
  return `${CRD_HEADER}\n${YAML.stringify(crd, { lineWidth: 0, version: '1.1' })}`;
}

export function generatedFiles(): GeneratedFile[] {
  const crds = buildCrds();
  return [
    ...crds.map((crd) => ({ path: crdPath(crd), content: renderCrdYaml(crd), data: crd })),
    { path: DOCS_PATH, content: renderCrdDocs(crds) },
  ];
}
