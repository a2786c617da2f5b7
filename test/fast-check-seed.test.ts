import * as fc from 'fast-check';
import { CI_SEED } from './fast-check-seed';

test('property tests run with the fixed seed under CI (or FC_SEED), and with a drawn one elsewhere', () => {
  const given = process.env.FC_SEED;
  const expected = given !== undefined && given !== '' ? Number(given) : process.env.CI ? CI_SEED : undefined;
  expect(fc.readConfigureGlobal().seed).toBe(expected);
});
