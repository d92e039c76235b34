// Cloud-init user-data for new nodes: choosing a NodeGroup's template, rendering it safely with
// the node's variables, validating the result, and reading back what a node would register as.
export { checkCloudInitTemplate, SAMPLE_BUILT_IN_VARIABLES } from './check';
export { DEFAULT_CLOUD_INIT_TEMPLATE } from './default-template';
export {
  CLOUD_INIT_ERROR_KINDS,
  CloudInitTemplateError,
  type CloudInitErrorKind,
  type TemplatePosition,
} from './errors';
export { type UserDataFormat, userDataFormat } from './format';
export { MAX_USER_DATA_BYTES } from './limits';
export {
  type NodeRegistration,
  NodeRegistrationError,
  parseNodeRegistration,
} from './node-registration';
export { type RenderCloudInitInput, type RenderedCloudInit, renderCloudInit } from './render';
export {
  type CloudInitTemplateFields,
  type CloudInitTemplateSource,
  type ConfigMapLike,
  chooseTemplateSource,
  describeTemplateSource,
} from './source';
export { validateUserData } from './validate';
export {
  BUILT_IN_VARIABLE_NAMES,
  type BuiltInVariables,
  type NodeTaint,
  SCALAR_BUILT_INS,
  STRUCTURED_BUILT_INS,
} from './variables';
