/**
 * Every prop validated (issue 13, part 4): each prop that reaches a manifest,
 * Envoy's config, the collector's config, a query or Markdown is checked, and
 * a mistake is a ConfigurationError naming the construct, the prop, the
 * problem and the fix, with the value quoted on one line.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ConfigurationError, DatadogAgent, DatadogMonitors, DatadogServiceDashboard, EgressRule, FrontEnvoy, LoadTest, MeshSidecarScope, MeshTelemetry, MockBackend,
  NetworkIsolation, NetworkPeer, ObservableService, ObservableServiceProps, OtelCollector, OtelExporter, OtlpProtocol, PreStopAction, PrometheusAlerts, Protocol, ServiceLevelObjectives, Signal, Tracing,
} from '../lib';
import { hostError } from '../lib/common/addresses';
import { quote } from '../lib/common/errors';
import { secretKeyError } from '../lib/common/names';
import { httpUrlError, urlPathError } from '../lib/common/text';
import { socketPathError } from '../lib/telemetry/tracing-feature';
import { constructError } from './support/errors';
import { kubernetesSchemaErrors } from './support/kubernetes-schema';
import { Manifest, appContainer, synth } from './support/synth';

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'shop' });
}

/** The props an error names. */
function propsOf(fn: () => unknown): string[] {
  return constructError(fn).problems.map((p) => p.prop);
}

/** Asserts nothing of the construct that threw is left in the chart. */
function leftBehind(c: Chart): Construct[] {
  return c.node.findAll().filter((x) => ApiObject.isApiObject(x));
}

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const meshed = (c: Chart, name = 'web') => new ObservableService(c, name, { image: IMAGE, port: 8080, mesh: {} });

describe('error messages quote values safely', () => {
  test('quote() escapes control and invisible characters, quotes and backslashes, and cuts at 200 characters', () => {
    expect(quote('a\nb\u202ec\u200bd\u0000"\\')).toBe('"a\\nb\\u202ec\\u200bd\\u0000\\"\\\\"');
    const long = quote('x'.repeat(100_000));
    expect(long).toBe(`"${'x'.repeat(200)}…(100000 characters)"`);
  });

  test('a value String() cannot print (no prototype) is quoted by its type', () => {
    expect(quote(Object.create(null))).toBe('"[object Object]"');
    expect(quote(Symbol('x'))).toBe('"Symbol(x)"');
  });

  test('a user key with a newline in a prop name cannot add a line to the message', () => {
    const c = chart();
    const error = constructError(() => new ObservableService(c, 'web', { image: IMAGE, port: 8080, podLabels: { 'team\nshop/web: ok': 'x' } }));
    expect(error.message.split('\n')).toHaveLength(error.problems.length);
    expect(error.message).toContain("'podLabels' key (\"team\\nshop/web: ok\")");
  });

  test('a 100,000-character value is quoted as 200 characters and its length', () => {
    const error = constructError(() => new ObservableService(chart(), 'web', { image: IMAGE, port: 8080, version: 'v'.repeat(100_000) }));
    expect(error.message.length).toBeLessThan(1000);
    expect(error.message).toContain('is 100000 characters long');
  });
});

describe('a required prop missing at run time (JavaScript callers) is a ConfigurationError, not a TypeError', () => {
  /** A caller without types: props as plain data. */
  const untyped = (props: unknown) => props as never;

  test.each([
    ['DatadogMonitors without runbookUrl', (c: Chart) => new DatadogMonitors(c, 'm', untyped({ services: [meshed(c)], env: 'prod', notify: ['@x'] })), 'runbookUrl', /'runbookUrl' is missing: a string is required/],
    ['DatadogMonitors with a function as runbookUrl', (c: Chart) => new DatadogMonitors(c, 'm', untyped({ services: [meshed(c)], env: 'prod', notify: ['@x'], runbookUrl: () => 'https://x' })), 'runbookUrl', /must be a string, not a function/],
    ['ObservableService without props', (c: Chart) => new ObservableService(c, 'web', untyped(undefined)), 'image', /'image' is missing/],
    ['FrontEnvoy with a route to nothing', (c: Chart) => new FrontEnvoy(c, 'front', untyped({ routes: [{ prefix: '/' }] })), 'routes[0].service', /is not an ObservableService/],
    ['OtelCollector without exporters', (c: Chart) => new OtelCollector(c, 'otel', untyped({})), 'exporters', /'exporters' is missing: an array is required/],
    ['PrometheusAlerts without services', (c: Chart) => new PrometheusAlerts(c, 'a', untyped({ runbookUrl: () => 'https://x' })), 'services', /is missing/],
    ['DatadogServiceDashboard without env', (c: Chart) => new DatadogServiceDashboard(c, 'd', untyped({ title: 'Shop' })), 'env', /is missing/],
    ['ServiceLevelObjectives without a service', (c: Chart) => new ServiceLevelObjectives(c, 's', untyped({ availabilityTarget: 99.9, runbookUrl: 'https://x', prometheus: {} })), 'service', /is missing/],
    ['LoadTest without a target', (c: Chart) => new LoadTest(c, 'load', untyped({ qps: 10 })), 'target', /is missing/],
    ['MockBackend with a route without a body', (c: Chart) => new MockBackend(c, 'mock', untyped({ routes: [{ path: '/a' }] })), 'routes[0].body', /is missing/],
    ['MeshSidecarScope without a service', (c: Chart) => new MeshSidecarScope(c, 'scope', untyped({})), 'service', /is missing/],
    ['MeshTelemetry without tracing', (c: Chart) => new MeshTelemetry(c, 'tel', untyped({})), 'tracing', /is missing/],
    ['NetworkIsolation with a flow from no peer', (c: Chart) => { meshed(c); return new NetworkIsolation(c, 'iso', untyped({ allowIngress: [{ to: c, purpose: 'x' }] })); }, 'allowIngress[0].from', /is not a peer/],
    ['ObservableService with a name as its node group', (c: Chart) => new ObservableService(c, 'web', untyped({ image: 'a/web:1', port: 8080, nodeGroup: 'general' })), 'nodeGroup', /\("general"\) is not a node group/],
    ['OtelExporter.otlp without options', (c: Chart) => new OtelCollector(c, 'otel', { exporters: [OtelExporter.otlp(untyped(undefined))] }), 'exporters[0].name', /must be 1 to 60 letters/],
  ])('%s', (_name, build, prop, message) => {
    const c = chart();
    let error: unknown;
    try {
      build(c);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((p) => p.prop)).toContain(prop);
    expect((error as ConfigurationError).message).toMatch(message);
  });
});

describe('the common rules', () => {
  test.each([
    ['otel.observability.svc.cluster.local', true], ['10.0.0.7', true], ['Collector-1.Example.com', true],
    ['', false], ['http://otel', false], ['otel:4317', false], ['otel/v1', false], ['otel .example.com', false], ['${env:HOST}', false], ['::1', false],
    ['-otel.example.com', false], ['otel.123', false], [`${'a'.repeat(64)}.example.com`, false], [`${'a.'.repeat(130)}com`, false],
  ])('hostError(%j) accepts: %s', (host, ok) => {
    expect(hostError(host) === undefined).toBe(ok);
  });

  test.each([
    ['/', true], ['/api/v1/', true], ["/a-b_c.d~e!$&'()*+,;=:@", true], ['/caf%C3%A9', true],
    ['api', false], ['/a b', false], ['/a?b=1', false], ['/a#top', false], ['/a\nb', false], ['/a\u0000', false], ['/a"b', false], ['/a{b}', false], ['/a%zz', false], ['/é', false],
  ])('urlPathError(%j) accepts: %s', (path, ok) => {
    expect(urlPathError(path) === undefined).toBe(ok);
  });

  test('a query may follow a path where one is asked for', () => {
    expect(urlPathError('/search?q=a&n=1', { query: true })).toBeUndefined();
    expect(urlPathError('/search?q=a b', { query: true })).toBeDefined();
    expect(urlPathError('/search#x', { query: true })).toBeDefined();
  });

  test.each([
    ['https://runbooks.example.com/web/error-rate', true], ['http://wiki.internal:8080/a?b=c#d', true],
    ['ftp://x.example.com', false], ['https://x.example.com/a b', false], ['https://x.example.com/{{value}}', false], ['https://x.example.com/\n', false],
    ['https://x.example.com/%', false], ['https://', false], ['https://x.example.com/\u202e', false],
  ])('httpUrlError(%j) accepts: %s', (url, ok) => {
    expect(httpUrlError(url) === undefined).toBe(ok);
  });

  test.each([
    ['token', true], ['ca.crt', true], ['API_KEY-1', true], ['.hidden', true],
    ['', false], ['.', false], ['..', false], ['..data', false], ['a/b', false], ['a b', false], ['k'.repeat(254), false],
  ])('secretKeyError(%j) accepts: %s', (key, ok) => {
    expect(secretKeyError(key) === undefined).toBe(ok);
  });

  test('an image name over 255 characters is refused (distribution/reference)', () => {
    expect(propsOf(() => new ObservableService(chart(), 'web', { image: `registry.example.com/${'a'.repeat(250)}:1.0`, port: 8080 }))).toEqual(['image']);
  });
});

describe('tracing', () => {
  function env(tracing: Tracing, props: Partial<ObservableServiceProps> = {}): Record<string, Manifest> {
    const c = chart();
    new ObservableService(c, 'web', { image: IMAGE, port: 8080, tracing, ...props });
    const deployment = synth(c).find((m) => m.kind === 'Deployment')!;
    return Object.fromEntries((appContainer(deployment).env as Manifest[]).map((e) => [e.name, e]));
  }
  /** OTEL_RESOURCE_ATTRIBUTES as an SDK reads it: key=value pairs, values percent-decoded. */
  const attributes = (value: string) => Object.fromEntries(value.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), decodeURIComponent(pair.slice(pair.indexOf('=') + 1))]));

  test("an OpenTelemetry env with ',' and '=' adds no resource attribute: it is percent-encoded, and decodes to itself", () => {
    const injected = 'prod,service.name=payments';
    const value = env(Tracing.openTelemetry({ host: 'otel.observability.svc.cluster.local', env: injected })).OTEL_RESOURCE_ATTRIBUTES.value;
    expect(Object.keys(attributes(value))).toEqual(['k8s.pod.name', 'k8s.namespace.name', 'k8s.node.name', 'k8s.pod.uid', 'service.version', 'deployment.environment.name']);
    expect(attributes(value)['deployment.environment.name']).toBe(injected);
    expect(value).toContain('deployment.environment.name=prod%2Cservice.name%3Dpayments');
  });

  test('an env holding $(VAR) is not expanded by Kubernetes', () => {
    const value = env(Tracing.openTelemetry({ host: 'otel.observability.svc.cluster.local', env: '$(K8S_POD_NAME)' })).OTEL_RESOURCE_ATTRIBUTES.value;
    expect(value.match(/\$\(/g)).toHaveLength(4);
    expect(attributes(value)['deployment.environment.name']).toBe('$(K8S_POD_NAME)');
  });

  test.each([
    ['an OTLP host with a path', Tracing.openTelemetry({ host: 'otel.example.com/v1' }), 'tracing.host'],
    ['an OTLP host with a space', Tracing.openTelemetry({ host: 'otel example' }), 'tracing.host'],
    ['an OTLP host with ${', Tracing.openTelemetry({ host: '${env:HOST}' }), 'tracing.host'],
    ['an OTLP port of 0', Tracing.openTelemetry({ host: 'otel.example.com', port: 0 }), 'tracing.port'],
    ['an empty OpenTelemetry env', Tracing.openTelemetry({ host: 'otel.example.com', env: '' }), 'tracing.env'],
    ['an agent Service with a dot', Tracing.datadog({ env: 'prod', agent: DatadogAgent.clusterService({ service: 'datadog.evil' }) }), 'tracing.agent'],
    ['an agent namespace with a newline', Tracing.datadog({ env: 'prod', agent: DatadogAgent.clusterService({ namespace: 'datadog\nx' }) }), 'tracing.agent'],
    ['an agent port above 65535', Tracing.datadog({ env: 'prod', agent: DatadogAgent.clusterService({ port: 70000 }) }), 'tracing.port'],
    ['a host IP port of 0', Tracing.datadog({ env: 'prod', agent: DatadogAgent.hostIp(0) }), 'tracing.port'],
  ])('%s is refused', (_name, tracing, prop) => {
    const c = chart();
    expect(propsOf(() => new ObservableService(c, 'web', { image: IMAGE, port: 8080, tracing }))).toContain(prop);
    expect(leftBehind(c)).toEqual([]);
  });

  test('the front proxy and a mesh Telemetry check the tracing too', () => {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: IMAGE, port: 8080 });
    const bad = Tracing.openTelemetry({ host: 'otel example' });
    expect(propsOf(() => new FrontEnvoy(c, 'front', { routes: [{ prefix: '/', service: web }], tracing: bad }))).toContain('tracing.host');
    expect(propsOf(() => new MeshTelemetry(c, 'telemetry', { tracing: bad }))).toContain('tracing.host');
  });

  test.each([
    ['relative', 'var/run/datadog/apm.socket'],
    ['not normalized', '/var/run/datadog/../../../etc/apm.socket'],
    ['a double slash', '/var/run//datadog/apm.socket'],
    ['in the root directory', '/apm.socket'],
    ['under /etc', '/etc/datadog/apm.socket'],
    ['under /proc', '/proc/1/root/apm.socket'],
    ['under /sys', '/sys/apm.socket'],
    ['under the kubelet', '/var/lib/kubelet/pods/apm.socket'],
    ['in /tmp, which the pod mounts', '/tmp/apm.socket'],
    ['in /var, above the kubelet', '/var/apm.socket'],
    ['in /var/run, above the token and the runtime socket', '/var/run/apm.socket'],
    ['with a space', '/var/run/data dog/apm.socket'],
    ['longer than sun_path', `/var/run/${'d'.repeat(100)}/apm.socket`],
  ])('a socket path %s is refused', (_name, socket) => {
    expect(socketPathError(socket)).toBeDefined();
    expect(propsOf(() => new ObservableService(chart(), 'web', { image: IMAGE, port: 8080, tracing: Tracing.datadog({ env: 'prod', agent: DatadogAgent.unixSocket(socket) }) })))
      .toEqual(['tracing.agent']);
  });

  test("an accepted socket mounts only its own directory, read-only, and the pod passes the schema", () => {
    expect(socketPathError('/run/datadog/apm.sock')).toBeUndefined();
    const c = chart();
    new ObservableService(c, 'web', { image: IMAGE, port: 8080, tracing: Tracing.datadog({ env: 'prod', agent: DatadogAgent.unixSocket() }) });
    const manifests = synth(c);
    const pod = manifests.find((m) => m.kind === 'Deployment')!.spec.template.spec;
    expect(pod.volumes.filter((v: Manifest) => v.hostPath)).toEqual([{ name: 'datadog-apm-socket', hostPath: { path: '/var/run/datadog', type: 'Directory' } }]);
    expect(appContainer({ spec: { template: { spec: pod } } } as Manifest).volumeMounts).toContainEqual({ mountPath: '/var/run/datadog', name: 'datadog-apm-socket', readOnly: true });
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });
});

describe('Datadog and Prometheus text', () => {
  const runbook = 'https://runbooks.example.com/{service}/{signal}';
  function monitors(overrides: Partial<ConstructorParameters<typeof DatadogMonitors>[2]>) {
    const c = chart();
    return propsOf(() => new DatadogMonitors(c, 'm', { services: [meshed(c)], env: 'production', notify: ['@slack-shop'], runbookUrl: runbook, ...overrides }));
  }

  test.each([
    ['a handle with a newline', { notify: ['@slack-shop\n@pagerduty-all'] }, 'notify[0]'],
    ['a handle opening a template', { notify: ['@slack-{{#is_alert}}x'] }, 'notify[0]'],
    ['an env with a comma', { env: 'prod,service:x' }, 'env'],
    ['an upper-case env', { env: 'Production' }, 'env'],
    ['a tag with a space', { tags: ['team: shop'] }, 'tags[0]'],
    ['a tag starting with a digit', { tags: ['1team'] }, 'tags[0]'],
    ['a tag of 201 characters', { tags: [`t${'a'.repeat(200)}`] }, 'tags[0]'],
    ['a runbook with a newline', { runbookUrl: 'https://x.example.com/{signal}\n@pagerduty-all' }, 'runbookUrl'],
    ['a runbook opening a template', { runbookUrl: 'https://x.example.com/{{value}}' }, 'runbookUrl'],
    ["a runbook with '@'", { runbookUrl: 'https://x.example.com/@slack-everyone/{signal}' }, 'runbookUrl'],
  ])('DatadogMonitors: %s is refused', (_name, overrides, prop) => {
    expect(monitors(overrides)).toContain(prop);
  });

  test('the error quotes the template that is wrong', () => {
    const c = chart();
    const error = constructError(() => new DatadogMonitors(c, 'm', { services: [meshed(c)], env: 'production', notify: ['@x'], controlPlane: false, runbookUrl: 'see wiki' }));
    expect(error.message).toContain("'runbookUrl' (\"see wiki\") must be an http(s) URL");
  });

  test.each([
    ['an env with a space', { env: 'prod env' }, 'env'],
    ['a title with a newline', { title: 'Shop\n# Owned' }, 'title'],
    ['a title with a right-to-left override', { title: 'Shop \u202egnp.exe' }, 'title'],
    ['a description with a NUL', { description: 'a\u0000b' }, 'description'],
  ])('DatadogServiceDashboard: %s is refused', (_name, overrides, prop) => {
    expect(propsOf(() => new DatadogServiceDashboard(chart(), 'd', { title: 'Shop', env: 'production', ...overrides }))).toEqual([prop]);
  });

  test('a dashboard description may span lines', () => {
    const c = chart();
    new DatadogServiceDashboard(c, 'd', { title: 'Shop', env: 'production', description: 'Requests and errors.\nOwned by the shop team.' });
    expect(synth(c)[0].spec.description).toBe('Requests and errors.\nOwned by the shop team.');
  });

  test('PrometheusAlerts refuses a runbook Prometheus would expand as a template', () => {
    const c = chart();
    expect(propsOf(() => new PrometheusAlerts(c, 'a', { services: [meshed(c)], runbookUrl: 'https://x.example.com/{{ $labels.service }}' }))).toEqual(['runbookUrl']);
  });

  test("'@' in a runbook template is refused where Datadog reads it as a handle, and kept where Prometheus writes it", () => {
    const template = 'https://wiki.example.com/@runbooks/{service}/{signal}';
    const d = chart();
    expect(constructError(() => new DatadogMonitors(d, 'm', { services: [meshed(d)], env: 'production', notify: ['@x'], controlPlane: false, runbookUrl: template })).message)
      .toContain("contains '@', which a Datadog message reads as a notification handle");
    const c = chart();
    const alerts = new PrometheusAlerts(c, 'a', { services: [meshed(c)], runbookUrl: template });
    expect(JSON.stringify(alerts.apiObject.toJson())).toContain('https://wiki.example.com/@runbooks/web/error-rate');
  });

  test('ServiceLevelObjectives refuses a runbook with a newline and a handle with a space', () => {
    const c = chart();
    const service = meshed(c);
    const base = { service, availabilityTarget: 99.9, runbookUrl: 'https://x.example.com/slo' };
    expect(propsOf(() => new ServiceLevelObjectives(c, 'a', { ...base, runbookUrl: 'https://x.example.com/\nx', prometheus: {} }))).toEqual(['runbookUrl']);
    expect(propsOf(() => new ServiceLevelObjectives(c, 'b', { ...base, datadog: { env: 'production', notify: { page: ['@pagerduty shop'], ticket: ['@slack-shop'] } } })))
      .toEqual(['datadog.notify.page[0]']);
  });
});

describe('paths, URLs and hosts of the front proxy, the load tests and the exporters', () => {
  test.each([
    ['a prefix with a space', { prefix: '/a b/' }, 'routes[0].prefix'],
    ['a prefix with a query', { prefix: '/a?b' }, 'routes[0].prefix'],
    ['a prefix with a fragment', { prefix: '/a#b' }, 'routes[0].prefix'],
    ['a path with a control character', { path: '/a\u0007' }, 'routes[0].path'],
  ])('FrontEnvoy: a route with %s is refused, and nothing is left', (_name, match, prop) => {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: IMAGE, port: 8080 });
    expect(propsOf(() => new FrontEnvoy(c, 'front', { routes: [{ ...match, service: web }] }))).toEqual([prop]);
    expect(c.node.tryFindChild('front')).toBeUndefined();
  });

  test('FrontEnvoy: a health path with a tab, or longer than a load balancer takes, is refused', () => {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: IMAGE, port: 8080 });
    expect(propsOf(() => new FrontEnvoy(c, 'a', { routes: [{ prefix: '/', service: web }], healthCheck: { path: '/_lb\thealth' } }))).toEqual(['healthCheck.path']);
    expect(propsOf(() => new FrontEnvoy(c, 'b', { routes: [{ prefix: '/', service: web }], healthCheck: { path: `/${'h'.repeat(1024)}` } }))).toEqual(['healthCheck.path']);
  });

  test('ObservableService: an HTTP health path with a NUL and a gRPC health name with a newline are refused', () => {
    expect(propsOf(() => new ObservableService(chart(), 'web', { image: IMAGE, port: 8080, health: { endpoints: { live: '/live\u0000' } } }))).toEqual(['health.endpoints.live']);
    expect(propsOf(() => new ObservableService(chart(), 'web', { image: IMAGE, port: 8080, protocol: Protocol.GRPC, health: { endpoints: { ready: 'ready\nx' } } })))
      .toEqual(['health.endpoints.ready']);
  });

  function load(props: Partial<ConstructorParameters<typeof LoadTest>[2]>) {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: IMAGE, port: 8080 });
    return propsOf(() => new LoadTest(c, 'load', { target: { service: web }, qps: 10, ...props }));
  }

  test.each([
    ['a target path with a space', { target: undefined, path: '/a b' }, 'target.path'],
    ['a URL that does not parse', { url: 'http://[' }, 'target.url'],
    ['a URL with a NUL', { url: 'http://a.example.com/\u0000' }, 'target.url'],
  ])('LoadTest: %s is refused', (_name, target, prop) => {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: IMAGE, port: 8080 });
    const t = 'url' in target ? { url: target.url as string } : { service: web, path: target.path };
    expect(propsOf(() => new LoadTest(c, 'load', { target: t, qps: 10 }))).toEqual([prop]);
  });

  test('LoadTest: a path may carry a query', () => {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: IMAGE, port: 8080 });
    expect(new LoadTest(c, 'load', { target: { service: web, path: '/search?q=shoes' }, qps: 10 }).args).toContain('http://web.shop.svc.cluster.local:8080/search?q=shoes');
  });

  test.each([
    ['a header value with a NUL', { headers: { 'X-Test': 'a\u0000b' } }, 'headers.X-Test'],
    ['a secret header whose key is no Secret key', { secretHeaders: { Authorization: { secret: kplus.Secret.fromSecretName(chart(), 's', 'token'), key: '../token' } } }, 'secretHeaders.Authorization.key'],
    ['a secret header from a Secret named with capitals', { secretHeaders: { Authorization: { secret: kplus.Secret.fromSecretName(chart(), 's', 'Token'), key: 'token' } } }, 'secretHeaders.Authorization.secret'],
    ['a secret header prefix with a NUL', { secretHeaders: { Authorization: { secret: kplus.Secret.fromSecretName(chart(), 's', 'token'), key: 'token', prefix: 'Bearer\u0000' } } }, 'secretHeaders.Authorization.prefix'],
  ])('LoadTest: %s is refused', (_name, props, prop) => {
    expect(load(props)).toEqual([prop]);
  });

  test.each([
    ['a path nginx reads as the end of a directive', { path: '/a;b' }, 'routes[0].path'],
    ['a path with a control character', { path: '/a\u0001' }, 'routes[0].path'],
    ['a body longer than nginx reads in one token', { body: 'x'.repeat(4095) }, 'routes[0].body'],
    ['a body of escaped quotes longer than nginx reads', { body: '"'.repeat(2048) }, 'routes[0].body'],
  ])('MockBackend: %s is refused', (_name, route, prop) => {
    expect(propsOf(() => new MockBackend(chart(), 'mock', { routes: [{ path: '/a', body: 'ok', ...route }] }))).toEqual([prop]);
  });

  test('MockBackend: a body of 4094 characters, the longest nginx reads quoted, is accepted', () => {
    expect(new MockBackend(chart(), 'mock', { routes: [{ path: '/a', body: 'x'.repeat(4094) }] }).config).toContain(`"${'x'.repeat(4094)}"`);
  });

  const secret = { secretName: 'otlp-token', key: 'token' };
  test.each([
    ['an HTTP endpoint with a ${file:} path', OtelExporter.otlp({ name: 'tempo', protocol: OtlpProtocol.HTTP, endpoint: 'https://tempo.example.com/${file:/etc/passwd}' }), 'exporters[0].endpoint'],
    ['an HTTP endpoint with a space in its path', OtelExporter.otlp({ name: 'tempo', protocol: OtlpProtocol.HTTP, endpoint: 'https://tempo.example.com/a b' }), 'exporters[0].endpoint'],
    ['a gRPC endpoint with a port above 65535', OtelExporter.otlp({ name: 'tempo', endpoint: 'tempo.example.com:99999' }), 'exporters[0].endpoint'],
    ['a gRPC endpoint whose host is an expansion', OtelExporter.otlp({ name: 'tempo', endpoint: '${env:HOST}:4317' }), 'exporters[0].endpoint'],
    ['an exporter name of 61 characters', OtelExporter.otlp({ name: 'a'.repeat(61), endpoint: 'tempo.example.com:4317' }), 'exporters[0].name'],
    ['a bearer token key starting with ..', OtelExporter.otlp({ name: 'tempo', endpoint: 'tempo.example.com:4317', bearerToken: { ...secret, key: '..token' } }), 'exporters[0].bearerToken.key'],
    ['an APM host longer than a host name', OtelExporter.elasticApm({ host: `${'a.'.repeat(130)}com`, secretToken: secret }), 'exporters[0].host'],
    ['an ECK APM server too long for its Service name', OtelExporter.eckApmServer({ apmServer: 'a'.repeat(55), namespace: 'elastic' }), 'exporters[0].apmServer'],
    ['a Datadog site with a path', OtelExporter.datadog({ site: 'datadoghq.com/x', apiKey: secret }), 'exporters[0].site'],
  ])('OtelCollector: %s is refused', (_name, exporter, prop) => {
    expect(propsOf(() => new OtelCollector(chart(), 'otel', { exporters: [exporter] }))).toContain(prop);
  });

  test('OtelCollector: a Secret object with an invalid name is refused, as a named one is', () => {
    const c = chart();
    const apiKey = { secret: kplus.Secret.fromSecretName(c, 'key', 'Datadog Key'), key: 'api-key' };
    expect(propsOf(() => new OtelCollector(c, 'otel', { exporters: [OtelExporter.datadog({ apiKey })] }))).toEqual(['exporters[0].apiKey.secret']);
  });

  test('OtelCollector: a signal that is no pipeline type is refused', () => {
    expect(propsOf(() => new OtelCollector(chart(), 'otel', { exporters: [OtelExporter.datadog({ apiKey: secret })], signals: [Signal.TRACES, 'profiles' as Signal] })))
      .toEqual(['signals[1]']);
  });

  test("an exporter named with capitals mounts its CA on a volume named in lower case (a DNS-1123 label)", () => {
    const c = chart();
    new OtelCollector(c, 'otel', { exporters: [OtelExporter.elasticApm({ name: 'Elastic_EU', host: 'apm.example.com', secretToken: secret, caCertificate: { secretName: 'apm-ca', key: 'ca.crt' } })] });
    const manifests = synth(c);
    const deployment = manifests.find((m) => m.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.volumes.map((v: Manifest) => v.name)).toContain('elastic-eu-ca');
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });
});

describe('Istio', () => {
  test.each([
    ['*/api.example.com', true], ['payments/*', true], ['./*', true], ['~/*', true], ['*/*.googleapis.com', true], ['istio-system/istiod.istio-system.svc.cluster.local', true],
    ['api.example.com', false], ['payments/api', false], ['*/a*.example.com', false], ['Payments/*', false], ['*/api.example.123', false], ['*/api.example.com\nx', false], ['*/ api.example.com', false],
  ])('a Sidecar egress host %j is accepted: %s (Istio: <namespace>/<FQDN or *>)', (host, ok) => {
    const c = chart();
    const build = () => new MeshSidecarScope(c, 'scope', { service: meshed(c), extraHosts: [host] });
    if (ok) expect(build).not.toThrow();
    else expect(propsOf(build)).toEqual(['extraHosts[0]']);
  });

  test('a Telemetry provider name with a space is refused', () => {
    expect(propsOf(() => new MeshTelemetry(chart(), 'telemetry', { tracing: Tracing.datadog({ env: 'prod' }), providerName: 'otel tracing' }))).toEqual(['providerName']);
  });
});

describe('what the process receives, labels and references', () => {
  test.each([
    ['a command with a NUL', { command: ['/app', 'a\u0000b'] }, 'command[1]'],
    ['an argument with a NUL', { args: ['\u0000'] }, 'args[0]'],
    ['a literal variable with a NUL', { env: { APP_MODE: kplus.EnvValue.fromValue('a\u0000') } }, 'env.APP_MODE'],
    ['a variable from a Secret key starting with ..', { env: { APP_TOKEN: kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart(), 's', 'token'), key: '..x' }) } }, 'env.APP_TOKEN'],
    ['a variable from a Secret named with capitals', { env: { APP_TOKEN: kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart(), 's', 'Token'), key: 'x' }) } }, 'env.APP_TOKEN'],
    ['a service account named with capitals', { serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart(), 'sa', 'Web') }, 'serviceAccount'],
    ['annotations over 256 KiB', { podAnnotations: { a: 'x'.repeat(200_000), b: 'y'.repeat(100_000) } }, 'podAnnotations'],
    ['a pre-stop path with a space', { shutdown: { action: PreStopAction.httpGet('/pre stop') } }, 'shutdown.action'],
    ['a pre-stop header value with a newline', { shutdown: { action: PreStopAction.httpGet('/prestop', 8080, { 'X-Token': 'a\r\nX-Admin: 1' }) } }, 'shutdown.action'],
    ['a pre-stop sleep binary outside a normalized path', { shutdown: { action: PreStopAction.execSleep('/bin/../usr/bin/sleep') } }, 'shutdown.action'],
    ['an egress purpose with a newline', { egress: [EgressRule.fqdn('api.example.com', { ports: [443], purpose: 'payments\n# Owned' })] }, 'egress[0].purpose'],
  ])('ObservableService: %s is refused', (_name, props, prop) => {
    expect(propsOf(() => new ObservableService(chart(), 'web', { image: IMAGE, port: 8080, ...props } as ObservableServiceProps))).toEqual([prop]);
  });

  test("a label key named like an inherited Object property ('toString') is a label like any other", () => {
    const c = chart();
    new ObservableService(c, 'web', { image: IMAGE, port: 8080, podLabels: { toString: 'y', hasOwnProperty: 'z' } });
    const deployment = synth(c).find((m) => m.kind === 'Deployment')!;
    expect(deployment.spec.template.metadata.labels).toMatchObject({ toString: 'y', hasOwnProperty: 'z' });
  });

  test("a label or annotation key 'constructor', which cdk8s cannot write, is refused at construction rather than failing synth", () => {
    expect(propsOf(() => new ObservableService(chart(), 'web', { image: IMAGE, port: 8080, podLabels: { constructor: 'x' } }))).toEqual(['podLabels']);
    expect(propsOf(() => new ObservableService(chart(), 'web', { image: IMAGE, port: 8080, serviceAnnotations: { constructor: 'x' } }))).toEqual(['serviceAnnotations']);
  });

  test('a version from an image tag that is no label value is refused, naming where it came from', () => {
    expect(propsOf(() => new ObservableService(chart(), 'web', { image: `registry.example.com/web:${'v'.repeat(64)}`, port: 8080 }))).toEqual(['version (from the image tag)']);
  });

  test('a partOf from a chart id that is no label value is refused, naming where it came from', () => {
    const c = new Chart(Testing.app(), 'my shop', { namespace: 'shop' });
    expect(propsOf(() => new ObservableService(c, 'web', { image: IMAGE, port: 8080 }))).toEqual(['partOf (from the chart id)']);
  });

  test('NetworkIsolation: a flow purpose with a newline is refused', () => {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: IMAGE, port: 8080 });
    expect(propsOf(() => new NetworkIsolation(c, 'iso', { allowIngress: [{ to: web, from: NetworkPeer.pods('gateway'), purpose: 'gateway\nx' }] }))).toEqual(['allowIngress[0].purpose']);
  });
});
