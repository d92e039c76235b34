// One error type for everything that can go wrong between a NodeGroup's cloud-init template and
// the user-data sent to VPSie. `kind` is what a caller switches on (to pick a NodeGroup condition
// reason, say); the message is what an operator reads, so it names the template, the variable or
// helper at fault and where it is.

export const CLOUD_INIT_ERROR_KINDS = [
  /** No usable template: the referenced ConfigMap or key is missing, or both sources are set. */
  'template_source',
  /** The template is not valid Handlebars. */
  'parse',
  /** Handlebars features we refuse: partials, decorators, raw output, named arguments. */
  'unsupported_syntax',
  /** A {{reference}} to a variable that does not exist. */
  'unknown_variable',
  /** A helper that is not one of ours, or a block on something that is not a block helper. */
  'unknown_helper',
  /** A value placed where its escaping cannot protect the document (see escape.ts). */
  'unsafe_placement',
  /** A variable whose name or value cannot be used (reserved name, bad label, NUL in a script). */
  'invalid_variable',
  /** Anything else that failed while rendering. */
  'render',
  /** The result is not a cloud-config mapping or a shell script. */
  'invalid_output',
  /** The result is larger than VPSie user-data may be. */
  'too_large',
] as const;
export type CloudInitErrorKind = (typeof CLOUD_INIT_ERROR_KINDS)[number];

/** 1-based line and column in the template text. */
export interface TemplatePosition {
  line: number;
  column: number;
}

export interface CloudInitErrorDetails {
  /** The variable or helper at fault, when there is one. */
  reference?: string;
  position?: TemplatePosition;
  /** Which template: "inline cloudInitTemplate", `ConfigMap "x" key "y"`, "default template". */
  template?: string;
}

export class CloudInitTemplateError extends Error {
  override readonly name = 'CloudInitTemplateError';
  readonly reference?: string;
  readonly position?: TemplatePosition;
  readonly template?: string;

  constructor(
    readonly kind: CloudInitErrorKind,
    /** What is wrong, without the template name or position (those are added to `message`). */
    readonly detail: string,
    details: CloudInitErrorDetails = {},
  ) {
    super(formatMessage(detail, details));
    this.reference = details.reference;
    this.position = details.position;
    this.template = details.template;
  }

  /** The same error, said of a named template (the renderer knows the name; inner code does not). */
  inTemplate(template: string): CloudInitTemplateError {
    if (this.template !== undefined) return this;
    return new CloudInitTemplateError(this.kind, this.detail, {
      reference: this.reference,
      position: this.position,
      template,
    });
  }
}

function formatMessage(detail: string, { position, template }: CloudInitErrorDetails): string {
  const which = template === undefined ? '' : ` (${template})`;
  const where = position === undefined ? '' : `, line ${position.line}, column ${position.column}`;
  return `cloud-init template${which}${where}: ${detail}`;
}
