// Every workflow the worker registers. This file is the entry of the workflow bundle: it and
// everything it imports must stay free of I/O and Node built-ins (eslint enforces it).
export { provisionNode } from './provision-node';
export { scaleDownControl } from './scale-down-control';
export { scaleDownNode } from './scale-down-node';
