/**
 * The seed of every property test (fast-check), set before each test file runs. CI draws none: it
 * runs with one fixed seed, so a submission passes or fails on its own code, never on a draw. A
 * local run draws a new seed each time, to keep finding new cases; fast-check prints the seed and
 * path of any failure, and `FC_SEED=<seed> npx projen test` runs that draw again.
 */
import * as fc from 'fast-check';

/** The seed CI runs with. */
export const CI_SEED = 20261206;

const given = process.env.FC_SEED;
const seed = given !== undefined && given !== '' ? Number(given) : process.env.CI ? CI_SEED : undefined;
if (seed !== undefined) {
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be a whole number, got ${JSON.stringify(given)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
