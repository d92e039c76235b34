// The one error a bad configuration produces: every problem found, one per line, so an operator
// fixes them all in one go instead of one restart per mistake.

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid configuration (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
