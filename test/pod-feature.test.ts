import { Testing } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-27';
import { PropChecker } from '../lib/common/errors';
import { KubernetesVersion } from '../lib/common/kubernetes-version';
import { IPodFeature, PodContext, PodFeatureBinding, bindFeatures } from '../lib/workload/pod-feature';

// The kernel's merge of pod features: what two features both set is a problem named by the prop it goes under.
function context(): PodContext {
  return { name: 'web', namespace: 'shop', version: '1', ports: [], kubernetesVersion: KubernetesVersion.V1_31, checker: new PropChecker(Testing.chart()) };
}
const feature = (prop: string, binding: PodFeatureBinding): IPodFeature => ({ prop, bind: () => binding });

test('variables, labels, annotations and shutdown fields set by two features are each named once, with both features', () => {
  const ctx = context();
  const merged = bindFeatures([
    feature('tracing', { env: [['A', EnvValue.fromValue('1')]], podLabels: { team: 'x' }, podAnnotations: { note: 'a' }, terminationGracePeriodSeconds: 30 }),
    feature('mesh', { env: [['A', EnvValue.fromValue('2')], ['B', EnvValue.fromValue('3')]], podLabels: { team: 'y', tier: 'web' }, podAnnotations: { note: 'b' }, terminationGracePeriodSeconds: 40 }),
  ], ctx, { B: EnvValue.fromValue('4'), C: EnvValue.fromValue('5') });
  expect(() => ctx.checker.throwIfAny()).toThrow();
  expect(ctx.checker.problems.map((p) => `${p.prop}: ${p.problem}. Fix: ${p.fix}`)).toEqual([
    "env.A: is set by both the tracing and the mesh wiring. Fix: remove one of 'tracing' and 'mesh'",
    "labels.team: is set by both the tracing and the mesh wiring. Fix: remove one of 'tracing' and 'mesh'",
    "annotations.note: is set by both the tracing and the mesh wiring. Fix: remove one of 'tracing' and 'mesh'",
    "shutdown: is set by both the tracing and the mesh wiring. Fix: remove one of 'tracing' and 'mesh'",
    "env.B: is set by the mesh wiring. Fix: remove it from 'env', or change the 'mesh' value instead",
  ]);
  // The later feature's values are the ones merged; the user's variables come last.
  expect(merged.env.map(([name]) => name)).toEqual(['A', 'A', 'B', 'B', 'C']);
  expect(merged.podLabels).toEqual({ team: 'y', tier: 'web' });
  expect(merged.terminationGracePeriodSeconds).toBe(40);
});

test('features that set different things merge without a problem', () => {
  const ctx = context();
  bindFeatures([feature('tracing', { env: [['A', EnvValue.fromValue('1')]] }), feature('mesh', { podLabels: { A: 'x' } })], ctx, { B: EnvValue.fromValue('2') });
  expect(ctx.checker.problems).toEqual([]);
});
