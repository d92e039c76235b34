// Is this user-data something VPSie will take and cloud-init will run? Checked on every rendered
// result, so a template that renders into a broken document fails the provisioning activity with
// a reason, instead of booting a VM that never joins.
import { CloudInitTemplateError } from './errors';
import { type UserDataFormat, userDataFormat } from './format';
import { MAX_USER_DATA_BYTES } from './limits';
import { isMapping, readSingleYamlDocument, readYamlDocuments } from './yaml-document';

function invalid(detail: string): CloudInitTemplateError {
  return new CloudInitTemplateError('invalid_output', detail);
}

function checkYamlFiles(config: Record<string, unknown>): void {
  const files = config.write_files;
  if (files === undefined) return;
  if (!Array.isArray(files)) throw invalid('write_files must be a list');
  for (const file of files) {
    if (!isMapping(file) || typeof file.path !== 'string' || typeof file.content !== 'string')
      continue;
    const plain = file.encoding === undefined || file.encoding === 'text/plain';
    if (!plain || !/\.ya?ml$/.test(file.path)) continue;
    const read = readYamlDocuments(file.content);
    if (!read.ok) throw invalid(`write_files ${file.path} is ${read.problem}`);
  }
}

/** The format of valid user-data; throws CloudInitTemplateError (invalid_output, too_large). */
export function validateUserData(userData: string): UserDataFormat {
  const bytes = Buffer.byteLength(userData, 'utf8');
  if (bytes > MAX_USER_DATA_BYTES) {
    throw new CloudInitTemplateError(
      'too_large',
      `the rendered user-data is ${bytes} bytes, more than the ${MAX_USER_DATA_BYTES} bytes VPSie ` +
        'user-data may hold; move large files into the OS image or download them at boot',
    );
  }
  const format = userDataFormat(userData);
  if (format === undefined) throw invalid('the user-data must start with "#cloud-config" or "#!"');
  if (format === 'shell-script') {
    if (userData.includes('\0')) throw invalid('the shell script contains NUL');
    return format;
  }
  const read = readSingleYamlDocument(userData);
  if (!read.ok) {
    throw invalid(`the rendered cloud-config is ${read.problem} (lines of the rendered user-data)`);
  }
  if (!isMapping(read.value))
    throw invalid('the rendered cloud-config must be a YAML mapping (key: value)');
  checkYamlFiles(read.value);
  return format;
}
