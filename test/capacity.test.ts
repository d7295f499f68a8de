import { PropChecker } from '../lib/common/errors';
import { podsFor } from '../lib/workload/capacity';
import { capacityPlan } from '../lib/workload/capacity';
import { testChart } from './support/synth';

test.each([
  [100, 50, 2],
  [101, 50, 3],
  [0.3, 0.1, 3],
  [1, 1000, 1],
])('%d req/s at %d per pod needs %d pods', (rps, perPod, pods) => {
  expect(podsFor(rps, perPod)).toBe(pods);
});

test('pod counts at normal and at peak are both known', () => {
  const checker = new PropChecker(testChart());
  expect(capacityPlan(checker, { normalRps: 700, peakRps: 2100, rpsPerPod: 150 })).toEqual({
    normalRps: 700, peakRps: 2100, rpsPerPod: 150, podsAtNormal: 5, podsAtPeak: 14,
  });
  expect(() => checker.throwIfAny()).not.toThrow();
});

test('invalid figures give no plan and a recorded problem', () => {
  const checker = new PropChecker(testChart());
  expect(capacityPlan(checker, { normalRps: Number.NaN, peakRps: 10, rpsPerPod: 1 })).toBeUndefined();
  expect(() => checker.throwIfAny()).toThrow(/'throughput.normalRps' \(NaN\) must be a positive number/);
});
