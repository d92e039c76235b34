// Integration tiers wait on real servers (cold starts, controllers' resync): jest's 5 s default
// is too short. Project-level `testTimeout` is ignored for multi-project runs, hence this file.
jest.setTimeout(180_000);
