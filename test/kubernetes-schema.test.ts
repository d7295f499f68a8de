import { kubernetesSchemaErrors } from './support/kubernetes-schema';

// The validator is what the example tests rely on; these show it can fail.
const service = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, name: 'http' }] },
});

test('a valid Service has no errors', () => {
  expect(kubernetesSchemaErrors(service())).toEqual([]);
});

test('an unknown field is reported with its path', () => {
  const manifest = service();
  (manifest.spec.ports[0] as Record<string, unknown>).targetPorts = 8080;
  expect(kubernetesSchemaErrors(manifest)).toEqual(['Service /spec/ports/0/targetPorts: unknown field "targetPorts"']);
});

test('a value of the wrong type is reported', () => {
  const manifest = service();
  (manifest.spec.ports[0] as Record<string, unknown>).port = 'eighty';
  expect(kubernetesSchemaErrors(manifest).join('\n')).toMatch(/\/spec\/ports\/0\/port: must be integer/);
});

test('a missing required field is reported', () => {
  const manifest = service();
  delete (manifest.spec.ports[0] as Record<string, unknown>).port;
  expect(kubernetesSchemaErrors(manifest).join('\n')).toMatch(/must have required property port/);
});

test('free-form maps such as labels are not mistaken for unknown fields', () => {
  const manifest = service();
  manifest.metadata.labels = { 'any.example.com/key': 'value', other: 'x' } as never;
  expect(kubernetesSchemaErrors(manifest)).toEqual([]);
});

test('a kind without a schema is an error, not a pass', () => {
  expect(kubernetesSchemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual(['no Kubernetes 1.33 schema for example.com/v1 Widget']);
});
