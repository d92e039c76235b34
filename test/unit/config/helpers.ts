// Shared by the config tests: run the loader on plain data and get its problems.
import { ConfigError } from '../../../src/config/config-error';
import { resolveConfig, type ConfigInputs } from '../../../src/config/load';

export const yamlFile = (text: string, path = 'config.yaml') => ({ path, text });

/** The problem lines of the ConfigError these inputs raise; fails the test if none is raised. */
export function problemsOf(inputs: ConfigInputs): readonly string[] {
  try {
    resolveConfig(inputs);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}
