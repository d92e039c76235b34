// YAML as the VM's programs read it: cloud-init (PyYAML) and kubeadm (go-yaml) both speak
// YAML 1.1 and let a repeated key override an earlier one. Every failure, including alias
// expansion the yaml library stops as a resource-exhaustion attack, comes back as a problem
// instead of an exception: user-data is untrusted input.

import { parseAllDocuments } from 'yaml';

export type YamlReading = { ok: true; values: unknown[] } | { ok: false; problem: string };

const OPTIONS = { version: '1.1', uniqueKeys: false } as const;

/** Every document of `text` (an empty text has none). */
export function readYamlDocuments(text: string): YamlReading {
  try {
    const parsed = parseAllDocuments(text, OPTIONS);
    const documents = Array.isArray(parsed) ? parsed : [];
    const broken = documents.find((doc) => doc.errors.length > 0);
    if (broken) return { ok: false, problem: firstLine(broken.errors[0]!.message) };
    return { ok: true, values: documents.map((doc) => doc.toJS() as unknown) };
  } catch (error) {
    return {
      ok: false,
      problem: firstLine(error instanceof Error ? error.message : String(error)),
    };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
