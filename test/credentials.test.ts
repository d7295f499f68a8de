import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LoadTest, ObservableService, ProductionReadiness } from '../lib';
import { evaluate } from '../lib/readiness/engine';
import { buildExamples } from '../examples/main';
import { constructError } from './support/errors';
import { Manifest, only, synth } from './support/synth';

function sec3(container: Manifest): string[] {
  const manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'a/app:1.0.0', ...container }] } };
  return evaluate([{ manifest, suppressions: new Map() }]).filter((f) => f.ruleId === 'OBS-SEC3').map((f) => f.message);
}

describe('OBS-SEC3 flags credentials written in plain text', () => {
  test.each([
    ['an API key in env', { env: [{ name: 'DD_API_KEY', value: 'abcdef0123456789' }] }, 'container "app": env DD_API_KEY holds a literal value'],
    ['a password in env', { env: [{ name: 'DB_PASSWORD', value: 'hunter22' }] }, 'container "app": env DB_PASSWORD holds a literal value'],
    ['a token in env', { env: [{ name: 'github-token', value: 'ghp_xyz' }] }, 'container "app": env github-token holds a literal value'],
    ['an Authorization header in args', { args: ['load', '-H', 'Authorization: Bearer eyJhbGci'] }, 'container "app": an argument carries an Authorization header with a literal credential'],
    ['an Authorization header in an env value', { env: [{ name: 'OTEL_EXPORTER_OTLP_HEADERS', value: 'authorization=Bearer abc' }] }, 'container "app": env OTEL_EXPORTER_OTLP_HEADERS carries an Authorization header with a literal credential'],
    ['a literal beside a variable', { args: ['-H', 'Authorization: Bearer abc $(TOKEN)'] }, 'container "app": an argument carries an Authorization header with a literal credential'],
    ['api_key= in a URL', { args: ['https://api.example.com/v1?api_key=s3cr3t&x=1'] }, 'container "app": an argument carries a URL with a literal api_key='],
    ['token= in a URL in the command', { command: ['curl', 'https://hooks.example.com/x?token=abc'] }, 'container "app": an argument carries a URL with a literal token='],
  ])('%s', (_name, container, message) => {
    expect(sec3(container)).toEqual([message]);
  });

  test.each([
    ['a key from a Secret', { env: [{ name: 'DD_API_KEY', valueFrom: { secretKeyRef: { name: 'dd', key: 'api-key' } } }] }],
    ['a variable reference', { env: [{ name: 'APM_TOKEN', value: '$(ELASTIC_TOKEN)' }] }],
    ['a collector env reference', { env: [{ name: 'BEARER_TOKEN', value: '${env:OTLP_TOKEN}' }] }],
    ['an Authorization header from a variable', { args: ['-H', 'Authorization: Bearer $(HEADER_AUTHORIZATION)'] }],
    ['a scheme and key= prefix', { args: ['-H', 'Authorization: Token token=$(T)'] }],
    ['a URL token from a variable', { args: ['https://x.example.com/?token=$(TOKEN)'] }],
    ['an empty secret-looking variable', { env: [{ name: 'SECRET_DIR', value: '' }] }],
    ['Datadog sampling rules', { env: [{ name: 'DD_TRACE_SAMPLING_RULES', value: '[{"sample_rate":0.1}]' }] }],
    ['a URL without credentials', { args: ['http://web.shop.svc.cluster.local:8080/v1?page=2'] }],
  ])('not %s', (_name, container) => {
    expect(sec3(container)).toEqual([]);
  });

  test('no example, with all its generated env and args, raises OBS-SEC3', () => {
    const app = Testing.app();
    buildExamples(app);
    expect(ProductionReadiness.check(app).filter((f) => f.ruleId === 'OBS-SEC3')).toEqual([]);
  });
});

describe('LoadTest secretHeaders', () => {
  function loadTest(props: Partial<ConstructorParameters<typeof LoadTest>[2]> = {}) {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1.0.0', port: 8080 });
    const token = kplus.Secret.fromSecretName(chart, 'token', 'api-token');
    const load = new LoadTest(chart, 'load', { target: { service: web, path: '/v1' }, qps: 10, secretHeaders: { Authorization: { secret: token, key: 'token', prefix: 'Bearer ' } }, ...props });
    return { chart, load };
  }

  test('the header reads a variable defined from the Secret, and the credential is nowhere in the manifest', () => {
    const { chart, load } = loadTest();
    const job = only(synth(chart), 'Job');
    const fortio = job.spec.template.spec.containers[0];
    expect(fortio.env).toEqual([{ name: 'HEADER_AUTHORIZATION', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } }]);
    expect(load.args).toContain('Authorization: Bearer $(HEADER_AUTHORIZATION)');
    expect(fortio.args).toEqual([...load.args]);
    expect(ProductionReadiness.check(chart).filter((f) => f.ruleId === 'OBS-SEC3')).toEqual([]);
  });

  test('the same header as a literal is flagged by OBS-SEC3', () => {
    const { chart } = loadTest({ secretHeaders: {}, headers: { Authorization: 'Bearer eyJhbGciOi' } });
    expect(ProductionReadiness.check(chart).filter((f) => f.ruleId === 'OBS-SEC3').map((f) => f.message)).toEqual([
      'container "fortio": an argument carries an Authorization header with a literal credential',
    ]);
  });

  test('a literal header value cannot be expanded by Kubernetes: $( is escaped as $$(', () => {
    const { load } = loadTest({ secretHeaders: {}, headers: { 'X-Echo': 'say $(HOSTNAME)' } });
    expect(load.args).toContain('X-Echo: say $$(HOSTNAME)');
  });

  test('a header given twice, two headers on one variable, or a multi-line prefix are ConfigurationErrors', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const secret = kplus.Secret.fromSecretName(chart, 's', 's');
    const target = { url: 'http://x.example.com/' };
    expect(constructError(() => new LoadTest(chart, 'a', { target, qps: 1, headers: { authorization: 'x' }, secretHeaders: { Authorization: { secret, key: 'k' } } })).problems.map((p) => p.prop))
      .toEqual(['secretHeaders.Authorization']);
    expect(constructError(() => new LoadTest(chart, 'b', { target, qps: 1, secretHeaders: { 'X-Token': { secret, key: 'k' }, 'X-TOKEN': { secret, key: 'k' } } })).message)
      .toBe("test/b: 'secretHeaders.X-TOKEN' reads its value through the variable HEADER_X_TOKEN, as X-Token does. Fix: keep only one of the two headers");
    expect(constructError(() => new LoadTest(chart, 'c', { target, qps: 1, secretHeaders: { 'X-Token': { secret, key: 'k', prefix: 'a\nb' } } })).problems.map((p) => p.prop))
      .toEqual(['secretHeaders.X-Token.prefix']);
  });
});
