// Rendering a NodeGroup's cloud-init template into the user-data of one VM. Pure: the caller
// (a provisioning activity) has already read any ConfigMap and collected the SSH keys.
import { UnencodableValueError, toShellWord, toYamlFlow, yamlQuote } from './escape';
import { CloudInitTemplateError } from './errors';
import { compileTemplate, type CompiledTemplate } from './compile';
import { type UserDataFormat, templateFormat } from './format';
import type { Emitter } from './helpers';
import { MAX_USER_DATA_BYTES } from './limits';
import { type CloudInitTemplateSource, describeTemplateSource } from './source';
import type { OutputSite } from './template-check';
import { type BuiltInVariables, buildTemplateContext } from './variables';
import { validateUserData } from './validate';
import { checkYamlPlacement, placeholder, placeholderPrefix } from './yaml-placement';

export interface RenderCloudInitInput {
  source: CloudInitTemplateSource;
  builtIns: BuiltInVariables;
  /** The NodeGroup's cloudInitVariables; they override scalar built-ins of the same name. */
  variables?: Readonly<Record<string, string>>;
}

export interface RenderedCloudInit {
  /** The user-data to send to VPSie. */
  userData: string;
  format: UserDataFormat;
  /** Which template was rendered, as error messages name it. */
  template: string;
  /** Built-ins replaced by cloudInitVariables, for the caller to log (it may be a mistake). */
  overriddenBuiltIns: string[];
  /** Size of userData in UTF-8 bytes (what counts against MAX_USER_DATA_BYTES). */
  bytes: number;
}

function realEncoder(format: UserDataFormat, sites: readonly OutputSite[]): Emitter {
  const encode = format === 'cloud-config' ? toYamlFlow : toShellWord;
  return (value, index) => {
    const site = sites[index]!;
    const at = { reference: site.expression, position: site.position };
    if (value === undefined) {
      throw new CloudInitTemplateError(
        'unknown_variable',
        `${site.expression} has no value (a map key or lookup that does not exist)`,
        at,
      );
    }
    try {
      return encode(value);
    } catch (error) {
      if (!(error instanceof UnencodableValueError)) throw error;
      throw new CloudInitTemplateError(
        'invalid_variable',
        `${site.expression} ${error.message}`,
        at,
      );
    }
  };
}

function checkPlacement(
  template: string,
  compiled: CompiledTemplate,
  values: Record<string, unknown>,
): void {
  if (compiled.format !== 'cloud-config') return; // shell placement is checked statically
  const prefix = placeholderPrefix(template);
  const probe = compiled.render(values, (_, index) => yamlQuote(placeholder(prefix, index)));
  checkYamlPlacement(probe, prefix, compiled.sites);
}

function render({ source, builtIns, variables = {} }: RenderCloudInitInput): RenderedCloudInit {
  const template = source.text;
  if (Buffer.byteLength(template, 'utf8') > MAX_USER_DATA_BYTES) {
    throw new CloudInitTemplateError(
      'too_large',
      `the template alone is larger than the ${MAX_USER_DATA_BYTES} bytes VPSie user-data may hold`,
    );
  }
  const format = templateFormat(template);
  const context = buildTemplateContext(builtIns, variables);
  const compiled = compileTemplate(template, format, Object.keys(variables));
  const userData = compiled.render(context.values, realEncoder(format, compiled.sites));
  validateUserData(userData);
  checkPlacement(template, compiled, context.values);
  return {
    userData,
    format,
    template: describeTemplateSource(source),
    overriddenBuiltIns: context.overriddenBuiltIns,
    bytes: Buffer.byteLength(userData, 'utf8'),
  };
}

/** Renders and validates the user-data; throws CloudInitTemplateError naming the template. */
export function renderCloudInit(input: RenderCloudInitInput): RenderedCloudInit {
  try {
    return render(input);
  } catch (error) {
    const template = describeTemplateSource(input.source);
    if (error instanceof CloudInitTemplateError) throw error.inTemplate(template);
    throw new CloudInitTemplateError(
      'render',
      error instanceof Error ? error.message : String(error),
      {
        template,
      },
    );
  }
}
