/**
 * Adversarial property tests (issue 13, part 7): every string prop of every
 * construct, tried with the attacker's payload classes (newlines, YAML
 * specials, quotes and backslashes, Unicode controls, 100,000-character
 * strings, `__proto__` and `constructor`, config-language breakers), must give
 * either a clear ConfigurationError (naming the prop, one line per problem,
 * nothing left behind) or manifests whose structure is that of a harmless
 * value and which Kubernetes (schema and API server rules), Envoy (checked at
 * synth), nginx (`nginx -t`), the collector (checked at synth), Fortio's flags,
 * promtool and the CRD schemas accept.
 *
 * Each case is counted by class, prop and outcome; the counts are printed,
 * and the test fails on any case accepted but invalid, accepted and unsafe,
 * or failing with something other than a clear ConfigurationError.
 * PROPERTY_SEED and PROPERTY_SCALE apply, as for test/property.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import {
  ConfigurationError, DatadogAgent, DatadogMonitors, DatadogServiceDashboard, DEFAULT_ENVOY_IMAGE, DEFAULT_OTEL_COLLECTOR_IMAGE, EgressRule, FORTIO_IMAGE, FrontEnvoy,
  FrontLoadBalancer, LoadTest, MeshPeerAuthentication, MeshSidecarScope, MeshTelemetry, MockBackend, NetworkIsolation, NetworkPeer, NGINX_UNPRIVILEGED_IMAGE, NodeGroup,
  ObservableService, ObservableServiceProps, OtelCollector, OtelExporter, OtlpProtocol, PreStopAction, PrometheusAlerts, Protocol, renderTopology, ServiceLevelObjectives, Signal,
  TopologySpread, Tracing,
} from '../lib';
import { crdSchemaErrors } from './support/crd-schema';
import { fortioLoadArgsError } from './support/fortio-flags';
import { objectErrors } from './support/object-errors';
import { PAYLOAD_CLASSES, PayloadClass, firstDifference, nginxShape, payload, structure, unprintableInYaml } from './support/payloads';
import { checkRules, promtool, ruleFile } from './support/promtool';
import { Manifest } from './support/synth';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261121);
const SCALE = Number(process.env.PROPERTY_SCALE ?? 1);
/** Cases per prop and payload class. */
const RUNS = Math.max(1, Math.round(2 * SCALE));
jest.setTimeout(120_000 * Math.max(1, SCALE));

// ---------------------------------------------------------------------------
// The string props: a valid value and how a declaration takes it.

interface StringProp {
  /** The construct (or value type) whose prop it is, for the inventory. */
  readonly construct: string;
  readonly prop: string;
  /** A valid value. */
  readonly base: string;
  /** Builds a declaration with the prop set to `value`; what it makes before the construct under test is its setup. */
  readonly build: (chart: Chart, value: string) => void;
  /** The prop a ConfigurationError must name (a prefix). */
  readonly errorProp?: string;
  /** Whether the value is written as a map key, or into one. */
  readonly keyed?: boolean;
  /** Whether the value is the user's own text in whole (an argument, a variable), whose `$(VAR)` Kubernetes is meant to expand. */
  readonly owned?: boolean;
}

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const RUNBOOK = 'https://runbooks.example.com/shop';
/** A map with one own key, '__proto__' included. */
const entry = <T>(key: string, value: T): Record<string, T> => Object.fromEntries([[key, value]]);
const service = (c: Chart, props: Partial<ObservableServiceProps> = {}, id = 'web') => new ObservableService(c, id, { image: IMAGE, port: 8080, ...props });
const meshed = (c: Chart) => service(c, { mesh: {} });
const secret = (c: Chart, name: string) => kplus.Secret.fromSecretName(c, `secret-${c.node.children.length}`, name);

const SERVICE: StringProp[] = [
  ['image', IMAGE, (v: string) => ({ image: v })],
  ['name', 'web', (v: string) => ({ name: v })],
  ['namespace', 'shop', (v: string) => ({ namespace: v })],
  ['version', '1.4.2', (v: string) => ({ version: v })],
  ['partOf', 'shop', (v: string) => ({ partOf: v })],
  ['component', 'api', (v: string) => ({ component: v })],
  ['env (name)', 'APP_MODE', (v: string) => ({ env: entry(v, kplus.EnvValue.fromValue('fast')) }), 'env'],
  ['env (value)', 'fast', (v: string) => ({ env: { APP_MODE: kplus.EnvValue.fromValue(v) } }), 'env'],
  ['command', '/app', (v: string) => ({ command: [v] })],
  ['args', '--verbose', (v: string) => ({ args: [v] })],
  ['health.endpoints.live', '/live', (v: string) => ({ health: { endpoints: { live: v } } })],
  ['health.endpoints.ready (gRPC)', 'readiness', (v: string) => ({ protocol: Protocol.GRPC, health: { endpoints: { ready: v } } }), 'health.endpoints.ready'],
  ['serviceAnnotations (key)', 'example.com/lb', (v: string) => ({ serviceAnnotations: entry(v, 'internal') }), 'serviceAnnotations'],
  ['serviceAnnotations (value)', 'internal', (v: string) => ({ serviceAnnotations: { 'example.com/lb': v } }), 'serviceAnnotations'],
  ['podLabels (key)', 'team', (v: string) => ({ podLabels: entry(v, 'payments') }), 'podLabels'],
  ['podLabels (value)', 'payments', (v: string) => ({ podLabels: { team: v } }), 'podLabels'],
  ['podAnnotations (value)', 'owner', (v: string) => ({ podAnnotations: { 'example.com/owner': v } }), 'podAnnotations'],
  ['nodeGroup (NodeGroup.named name)', 'general', (v: string) => ({ nodeGroup: NodeGroup.named(v) }), 'nodeGroup.name'],
  ['nodeGroup (NodeGroup.named labelKey)', 'eks.amazonaws.com/nodegroup', (v: string) => ({ nodeGroup: NodeGroup.named('general', v) }), 'nodeGroup.labelKey'],
  ['topologySpread (TopologySpread.across)', 'topology.kubernetes.io/zone', (v: string) => ({ topologySpread: TopologySpread.across([v]) }), 'topologySpread'],
  ['shutdown.action (PreStopAction.httpGet path)', '/prestop', (v: string) => ({ shutdown: { action: PreStopAction.httpGet(v) } }), 'shutdown.action'],
  ['shutdown.action (PreStopAction.httpGet header name)', 'X-Prestop', (v: string) => ({ shutdown: { action: PreStopAction.httpGet('/prestop', 8080, entry(v, 'drain')) } }), 'shutdown.action'],
  ['shutdown.action (PreStopAction.httpGet header value)', 'drain', (v: string) => ({ shutdown: { action: PreStopAction.httpGet('/prestop', 8080, { 'X-Prestop': v }) } }), 'shutdown.action'],
  ['shutdown.action (PreStopAction.execSleep)', '/bin/sleep', (v: string) => ({ shutdown: { action: PreStopAction.execSleep(v) } }), 'shutdown.action'],
  ['egress (EgressRule.fqdn)', 'api.example.com', (v: string) => ({ egress: [EgressRule.fqdn(v, { ports: [443] })] }), 'egress[0]'],
  ['egress (EgressRule.cidr)', '203.0.113.0/24', (v: string) => ({ egress: [EgressRule.cidr(v, { ports: [443] })] }), 'egress[0]'],
  ['egress (EgressRule purpose)', 'payments', (v: string) => ({ egress: [EgressRule.fqdn('api.example.com', { ports: [443], purpose: v })] }), 'egress[0].purpose'],
  ['tracing (Tracing.datadog env)', 'production', (v: string) => ({ tracing: Tracing.datadog({ env: v }) }), 'tracing'],
  ['tracing (DatadogAgent.clusterService service)', 'datadog', (v: string) => ({ tracing: Tracing.datadog({ env: 'prod', agent: DatadogAgent.clusterService({ service: v }) }) }), 'tracing'],
  ['tracing (DatadogAgent.clusterService namespace)', 'datadog', (v: string) => ({ tracing: Tracing.datadog({ env: 'prod', agent: DatadogAgent.clusterService({ namespace: v }) }) }), 'tracing'],
  ['tracing (DatadogAgent.unixSocket)', '/var/run/datadog/apm.socket', (v: string) => ({ tracing: Tracing.datadog({ env: 'prod', agent: DatadogAgent.unixSocket(v) }) }), 'tracing'],
  ['tracing (Tracing.openTelemetry host)', 'otel.observability.svc.cluster.local', (v: string) => ({ tracing: Tracing.openTelemetry({ host: v }) }), 'tracing'],
  ['tracing (Tracing.openTelemetry env)', 'production', (v: string) => ({ tracing: Tracing.openTelemetry({ host: 'otel.observability.svc.cluster.local', env: v }) }), 'tracing'],
].map(([prop, base, props, errorProp]) => ({
  construct: 'ObservableService', prop: prop as string, base: base as string, errorProp: (errorProp ?? prop) as string, keyed: /\((key|name)\)$/.test(prop as string), owned: ['env (value)', 'command', 'args'].includes(prop as string),
  build: (c: Chart, v: string) => service(c, (props as (v: string) => Partial<ObservableServiceProps>)(v)),
}));

const SECRET_REFS: StringProp[] = [
  { construct: 'ObservableService', prop: 'serviceAccount (name)', base: 'web', errorProp: 'serviceAccount', build: (c, v) => service(c, { serviceAccount: kplus.ServiceAccount.fromServiceAccountName(c, 'sa', v) }) },
  { construct: 'ObservableService', prop: 'env (EnvValue.fromSecretValue secret)', base: 'web-secrets', errorProp: 'env', build: (c, v) => service(c, { env: { APP_TOKEN: kplus.EnvValue.fromSecretValue({ secret: secret(c, v), key: 'token' }) } }) },
  { construct: 'ObservableService', prop: 'env (EnvValue.fromSecretValue key)', base: 'token', errorProp: 'env', build: (c, v) => service(c, { env: { APP_TOKEN: kplus.EnvValue.fromSecretValue({ secret: secret(c, 'web-secrets'), key: v }) } }) },
];

const front = (c: Chart, props: Partial<ConstructorParameters<typeof FrontEnvoy>[2]>, prefix = '/shop/') =>
  new FrontEnvoy(c, 'front', { routes: [{ prefix, service: service(c) }], ...props });
/** The props of one construct. */
const of = (construct: string, props: Array<Omit<StringProp, 'construct'>>): StringProp[] => props.map((p) => ({ construct, ...p }));

const FRONT_ENVOY: StringProp[] = of('FrontEnvoy', [
  { prop: 'routes[0].prefix', base: '/shop/', build: (c, v) => front(c, {}, v) },
  { prop: 'routes[0].path', base: '/shop', build: (c, v) => new FrontEnvoy(c, 'front', { routes: [{ path: v, service: service(c) }] }) },
  { prop: 'routes[0].retries.retryOn', base: '5xx', build: (c, v) => new FrontEnvoy(c, 'front', { routes: [{ prefix: '/shop/', service: service(c), retries: { retryOn: [v] } }] }) },
  { prop: 'healthCheck.path', base: '/_envoy/health', build: (c, v) => front(c, { healthCheck: { path: v } }) },
  { prop: 'name', base: 'front', build: (c, v) => front(c, { name: v }) },
  { prop: 'version', base: '1.40.0', build: (c, v) => front(c, { version: v }) },
  { prop: 'partOf', base: 'shop', build: (c, v) => front(c, { partOf: v }) },
  { prop: 'image', base: DEFAULT_ENVOY_IMAGE, build: (c, v) => front(c, { image: v }) },
  { prop: 'clientCidrs', base: '10.0.0.0/16', build: (c, v) => front(c, { clientCidrs: [v] }) },
  { prop: 'serviceAnnotations (key)', keyed: true, base: 'example.com/lb', errorProp: 'serviceAnnotations', build: (c, v) => front(c, { serviceAnnotations: entry(v, 'x') }) },
  { prop: 'serviceAnnotations (value)', base: 'x', errorProp: 'serviceAnnotations', build: (c, v) => front(c, { serviceAnnotations: { 'example.com/lb': v } }) },
  { prop: 'loadBalancer (FrontLoadBalancer.layer4 annotation key)', keyed: true, base: 'example.com/lb-class', errorProp: 'loadBalancer.serviceAnnotations', build: (c, v) => front(c, { loadBalancer: FrontLoadBalancer.layer4({ serviceAnnotations: entry(v, 'external') }) }) },
  { prop: 'loadBalancer (FrontLoadBalancer.layer4 annotation value)', base: 'external', errorProp: 'loadBalancer.serviceAnnotations', build: (c, v) => front(c, { loadBalancer: FrontLoadBalancer.layer4({ serviceAnnotations: { 'example.com/lb-class': v } }) }) },
  { prop: 'tracing (Tracing.openTelemetry host)', base: 'otel.observability.svc.cluster.local', errorProp: 'tracing', build: (c, v) => front(c, { tracing: Tracing.openTelemetry({ host: v }) }) },
  { prop: 'tracing (Tracing.openTelemetry env)', base: 'production', errorProp: 'tracing', build: (c, v) => front(c, { tracing: Tracing.openTelemetry({ host: 'otel.observability.svc.cluster.local', env: v }) }) },
  { prop: 'tracing (Tracing.datadog env)', base: 'production', errorProp: 'tracing', build: (c, v) => front(c, { tracing: Tracing.datadog({ env: v }) }) },
]);

const SECRET_KEY = { secretName: 'apm-token', key: 'secret-token' };
const collector = (c: Chart, exporter: OtelExporter, props: Partial<ConstructorParameters<typeof OtelCollector>[2]> = {}) => new OtelCollector(c, 'otel', { exporters: [exporter], ...props });
const apm = (props: Partial<Parameters<typeof OtelExporter.elasticApm>[0]>) => OtelExporter.elasticApm({ host: 'apm.example.com', secretToken: SECRET_KEY, ...props });
const COLLECTOR: StringProp[] = [
  { construct: 'OtelCollector', prop: 'name', base: 'otel', build: (c, v) => collector(c, apm({}), { name: v }) },
  { construct: 'OtelCollector', prop: 'namespace', base: 'observability', build: (c, v) => collector(c, apm({}), { namespace: v }) },
  { construct: 'OtelCollector', prop: 'image', base: DEFAULT_OTEL_COLLECTOR_IMAGE, build: (c, v) => collector(c, apm({}), { image: v }) },
  { construct: 'OtelCollector', prop: 'partOf', base: 'shop', build: (c, v) => collector(c, apm({}), { partOf: v }) },
  { construct: 'OtelCollector', prop: 'signals', base: 'traces', build: (c, v) => collector(c, apm({}), { signals: [v as Signal] }) },
  { construct: 'OtelExporter.elasticApm', prop: 'host', base: 'apm.example.com', errorProp: 'exporters[0].host', build: (c, v) => collector(c, apm({ host: v })) },
  { construct: 'OtelExporter.elasticApm', prop: 'name', keyed: true, base: 'elastic', errorProp: 'exporters[0].name', build: (c, v) => collector(c, apm({ name: v, caCertificate: { secretName: 'apm-ca', key: 'ca.crt' } })) },
  { construct: 'OtelExporter.elasticApm', prop: 'secretToken.secretName', base: 'apm-token', errorProp: 'exporters[0].secretToken', build: (c, v) => collector(c, apm({ secretToken: { secretName: v, key: 'secret-token' } })) },
  { construct: 'OtelExporter.elasticApm', prop: 'secretToken.key', base: 'secret-token', errorProp: 'exporters[0].secretToken', build: (c, v) => collector(c, apm({ secretToken: { secretName: 'apm-token', key: v } })) },
  { construct: 'OtelExporter.elasticApm', prop: 'secretToken.secret (name)', base: 'apm-token', errorProp: 'exporters[0].secretToken', build: (c, v) => collector(c, apm({ secretToken: { secret: secret(c, v), key: 'secret-token' } })) },
  { construct: 'OtelExporter.elasticApm', prop: 'caCertificate.key', base: 'ca.crt', errorProp: 'exporters[0].caCertificate', build: (c, v) => collector(c, apm({ caCertificate: { secretName: 'apm-ca', key: v } })) },
  { construct: 'OtelExporter.eckApmServer', prop: 'apmServer', base: 'apm', errorProp: 'exporters[0].apmServer', build: (c, v) => collector(c, OtelExporter.eckApmServer({ apmServer: v, namespace: 'observability' }), { namespace: 'observability' }) },
  { construct: 'OtelExporter.eckApmServer', prop: 'namespace', base: 'observability', errorProp: 'exporters[0]', build: (c, v) => collector(c, OtelExporter.eckApmServer({ apmServer: 'apm', namespace: v }), { namespace: 'observability' }) },
  { construct: 'OtelExporter.otlp', prop: 'endpoint (gRPC)', base: 'tempo.tracing.svc.cluster.local:4317', errorProp: 'exporters[0].endpoint', build: (c, v) => collector(c, OtelExporter.otlp({ name: 'tempo', endpoint: v })) },
  { construct: 'OtelExporter.otlp', prop: 'endpoint (HTTP)', base: 'https://otlp.example.com:4318/otlp', errorProp: 'exporters[0].endpoint', build: (c, v) => collector(c, OtelExporter.otlp({ name: 'tempo', protocol: OtlpProtocol.HTTP, endpoint: v })) },
  { construct: 'OtelExporter.otlp', prop: 'name', keyed: true, base: 'tempo', errorProp: 'exporters[0].name', build: (c, v) => collector(c, OtelExporter.otlp({ name: v, endpoint: 'tempo.tracing.svc.cluster.local:4317' })) },
  { construct: 'OtelExporter.otlp', prop: 'bearerToken.key', base: 'token', errorProp: 'exporters[0].bearerToken', build: (c, v) => collector(c, OtelExporter.otlp({ name: 'tempo', endpoint: 'tempo.example.com:4317', bearerToken: { secretName: 'tempo', key: v } })) },
  { construct: 'OtelExporter.datadog', prop: 'site', base: 'datadoghq.com', errorProp: 'exporters[0].site', build: (c, v) => collector(c, OtelExporter.datadog({ site: v, apiKey: SECRET_KEY })) },
  { construct: 'OtelExporter.datadog', prop: 'apiKey.secretName', base: 'dd-api-key', errorProp: 'exporters[0].apiKey', build: (c, v) => collector(c, OtelExporter.datadog({ apiKey: { secretName: v, key: 'api-key' } })) },
];

const MESH: StringProp[] = [
  { construct: 'MeshSidecarScope', prop: 'extraHosts', base: '*/api.example.com', build: (c, v) => new MeshSidecarScope(c, 'scope', { service: meshed(c), extraHosts: [v] }) },
  { construct: 'MeshTelemetry', prop: 'providerName', base: 'otel-tracing', build: (c, v) => new MeshTelemetry(c, 'telemetry', { tracing: Tracing.datadog({ env: 'prod' }), providerName: v }) },
  { construct: 'MeshTelemetry', prop: 'namespace', base: 'shop', build: (c, v) => new MeshTelemetry(c, 'telemetry', { tracing: Tracing.datadog({ env: 'prod' }), namespace: v }) },
  { construct: 'MeshPeerAuthentication', prop: 'namespace', base: 'shop', build: (c, v) => new MeshPeerAuthentication(c, 'mtls', { namespace: v }) },
];

// A runbook URL template: the payload, then the signal's placeholder.
const runbook = (v: string) => `${v}/{signal}`;
const monitors = (c: Chart, props: Partial<ConstructorParameters<typeof DatadogMonitors>[2]>) =>
  new DatadogMonitors(c, 'monitors', { services: [meshed(c)], env: 'production', notify: ['@slack-shop'], runbookUrl: runbook(RUNBOOK), controlPlane: false, ...props });
const slo = (c: Chart, props: Partial<ConstructorParameters<typeof ServiceLevelObjectives>[2]>) =>
  new ServiceLevelObjectives(c, 'slo', { service: meshed(c), availabilityTarget: 99.9, runbookUrl: RUNBOOK, datadog: { env: 'production', notify: { page: ['@pagerduty-shop'], ticket: ['@slack-shop'] } }, prometheus: {}, ...props });
const MONITORING: StringProp[] = [
  { construct: 'DatadogMonitors', prop: 'env', base: 'production', build: (c, v) => monitors(c, { env: v }) },
  { construct: 'DatadogMonitors', prop: 'notify', base: '@slack-shop', build: (c, v) => monitors(c, { notify: [v] }) },
  { construct: 'DatadogMonitors', prop: 'tags', base: 'team:shop', build: (c, v) => monitors(c, { tags: [v] }) },
  { construct: 'DatadogMonitors', prop: 'runbookUrl (template)', base: RUNBOOK, errorProp: 'runbookUrl', build: (c, v) => monitors(c, { runbookUrl: runbook(v) }) },
  { construct: 'DatadogServiceDashboard', prop: 'title', base: 'Shop', build: (c, v) => new DatadogServiceDashboard(c, 'dashboard', { title: v, env: 'production' }) },
  { construct: 'DatadogServiceDashboard', prop: 'env', base: 'production', build: (c, v) => new DatadogServiceDashboard(c, 'dashboard', { title: 'Shop', env: v }) },
  { construct: 'DatadogServiceDashboard', prop: 'description', base: 'Requests and errors', build: (c, v) => new DatadogServiceDashboard(c, 'dashboard', { title: 'Shop', env: 'production', description: v }) },
  { construct: 'PrometheusAlerts', prop: 'runbookUrl (template)', base: RUNBOOK, errorProp: 'runbookUrl', build: (c, v) => new PrometheusAlerts(c, 'alerts', { services: [meshed(c)], runbookUrl: runbook(v) }) },
  { construct: 'PrometheusAlerts', prop: 'ruleLabels (key)', keyed: true, base: 'release', errorProp: 'ruleLabels', build: (c, v) => new PrometheusAlerts(c, 'alerts', { services: [meshed(c)], runbookUrl: runbook(RUNBOOK), ruleLabels: entry(v, 'prom') }) },
  { construct: 'PrometheusAlerts', prop: 'ruleLabels (value)', base: 'prom', errorProp: 'ruleLabels', build: (c, v) => new PrometheusAlerts(c, 'alerts', { services: [meshed(c)], runbookUrl: runbook(RUNBOOK), ruleLabels: { release: v } }) },
  { construct: 'ServiceLevelObjectives', prop: 'runbookUrl', base: RUNBOOK, build: (c, v) => slo(c, { runbookUrl: v }) },
  { construct: 'ServiceLevelObjectives', prop: 'datadog.env', base: 'production', build: (c, v) => slo(c, { datadog: { env: v, notify: { page: ['@pagerduty-shop'], ticket: ['@slack-shop'] } } }) },
  { construct: 'ServiceLevelObjectives', prop: 'datadog.notify.page', base: '@pagerduty-shop', build: (c, v) => slo(c, { datadog: { env: 'production', notify: { page: [v], ticket: ['@slack-shop'] } } }) },
  { construct: 'ServiceLevelObjectives', prop: 'datadog.sloIds.availability', base: '0123456789abcdef0123456789abcdef', build: (c, v) => slo(c, { datadog: { env: 'production', notify: { page: ['@p'], ticket: ['@t'] }, sloIds: { availability: v } } }) },
  { construct: 'ServiceLevelObjectives', prop: 'prometheus.ruleLabels (value)', base: 'prom', errorProp: 'prometheus.ruleLabels', build: (c, v) => slo(c, { prometheus: { ruleLabels: { release: v } } }) },
];

const load = (c: Chart, props: Partial<ConstructorParameters<typeof LoadTest>[2]>, id = 'load') => new LoadTest(c, id, { target: props.target ?? { service: service(c) }, qps: 10, ...props });
const mock = (c: Chart, route: { path?: string; body?: string; contentType?: string }, props: Partial<ConstructorParameters<typeof MockBackend>[2]> = {}) =>
  new MockBackend(c, 'mock', { routes: [{ path: '/v1/rates', body: '{"rate": 10}', ...route }], ...props });
const LOAD_TESTS: StringProp[] = [
  { construct: 'LoadTest', prop: 'id (the name)', base: 'smoke', errorProp: 'name', build: (c, v) => load(c, {}, v) },
  { construct: 'LoadTest', prop: 'namespace', base: 'shop', build: (c, v) => load(c, { namespace: v }) },
  { construct: 'LoadTest', prop: 'image', base: FORTIO_IMAGE, build: (c, v) => load(c, { image: v }) },
  { construct: 'LoadTest', prop: 'target.path', base: '/v1/ping', build: (c, v) => load(c, { target: { service: service(c), path: v } }) },
  { construct: 'LoadTest', prop: 'target.url', base: 'https://api.example.com/health', build: (c, v) => load(c, { target: { url: v } }) },
  { construct: 'LoadTest', prop: 'target.grpcMethod', base: 'ledger.v1.Ledger/Get', build: (c, v) => load(c, { target: { service: service(c, { protocol: Protocol.GRPC }), grpcMethod: v } }) },
  { construct: 'LoadTest', prop: 'headers (name)', keyed: true, base: 'X-Test', errorProp: 'headers', build: (c, v) => load(c, { headers: entry(v, 'yes') }) },
  { construct: 'LoadTest', prop: 'headers (value)', base: 'yes', errorProp: 'headers', build: (c, v) => load(c, { headers: { 'X-Test': v } }) },
  { construct: 'LoadTest', prop: 'secretHeaders (name)', keyed: true, base: 'Authorization', errorProp: 'secretHeaders', build: (c, v) => load(c, { secretHeaders: entry(v, { secret: secret(c, 'api-token'), key: 'token' }) }) },
  { construct: 'LoadTest', prop: 'secretHeaders.key', base: 'token', errorProp: 'secretHeaders', build: (c, v) => load(c, { secretHeaders: { Authorization: { secret: secret(c, 'api-token'), key: v } } }) },
  { construct: 'LoadTest', prop: 'secretHeaders.prefix', base: 'Bearer ', errorProp: 'secretHeaders', build: (c, v) => load(c, { secretHeaders: { Authorization: { secret: secret(c, 'api-token'), key: 'token', prefix: v } } }) },
  { construct: 'LoadTest', prop: 'secretHeaders.secret (name)', base: 'api-token', errorProp: 'secretHeaders', build: (c, v) => load(c, { secretHeaders: { Authorization: { secret: secret(c, v), key: 'token' } } }) },
  { construct: 'MockBackend', prop: 'name', base: 'mock-rates', build: (c, v) => mock(c, {}, { name: v }) },
  { construct: 'MockBackend', prop: 'namespace', base: 'shop', build: (c, v) => mock(c, {}, { namespace: v }) },
  { construct: 'MockBackend', prop: 'image', base: NGINX_UNPRIVILEGED_IMAGE, build: (c, v) => mock(c, {}, { image: v }) },
  { construct: 'MockBackend', prop: 'routes[0].path', base: '/v1/rates', build: (c, v) => mock(c, { path: v }) },
  { construct: 'MockBackend', prop: 'routes[0].body', base: '{"rate": 10}', build: (c, v) => mock(c, { body: v }) },
  { construct: 'MockBackend', prop: 'routes[0].contentType', base: 'application/json', build: (c, v) => mock(c, { contentType: v }) },
];

const isolate = (c: Chart, props: ConstructorParameters<typeof NetworkIsolation>[2]) => {
  service(c);
  return new NetworkIsolation(c, 'isolation', props);
};
const NETWORK: StringProp[] = of('NetworkIsolation', [
  { prop: 'dns.namespace', base: 'kube-system', build: (c, v) => isolate(c, { dns: { namespace: v } }) },
  { prop: 'dns.podSelector (key)', keyed: true, base: 'k8s-app', errorProp: 'dns.podSelector', build: (c, v) => isolate(c, { dns: { podSelector: entry(v, 'kube-dns') } }) },
  { prop: 'dns.podSelector (value)', base: 'kube-dns', errorProp: 'dns.podSelector', build: (c, v) => isolate(c, { dns: { podSelector: { 'k8s-app': v } } }) },
  { prop: 'dns.cidrs', base: '169.254.20.10/32', build: (c, v) => isolate(c, { dns: { cidrs: [v] } }) },
  { prop: 'prometheus.namespace', base: 'monitoring', build: (c, v) => isolate(c, { prometheus: { namespace: v, port: 15020 } }) },
  { prop: 'kubernetesApi.cidrs', base: '172.20.0.0/16', build: (c, v) => isolate(c, { kubernetesApi: { cidrs: [v], port: 6443 } }) },
  { prop: 'allowIngress.purpose', base: 'gateway', errorProp: 'allowIngress[0].purpose', build: (c, v) => { const web = service(c); return new NetworkIsolation(c, 'isolation', { allowIngress: [{ to: web, from: NetworkPeer.pods('gateway'), purpose: v }] }); } },
  { prop: 'allowIngress.from (NetworkPeer.pods namespace)', base: 'gateway', errorProp: 'allowIngress[0].from', build: (c, v) => { const web = service(c); return new NetworkIsolation(c, 'isolation', { allowIngress: [{ to: web, from: NetworkPeer.pods(v), purpose: 'gateway' }] }); } },
  { prop: 'allowEgress.to (NetworkPeer.cidr)', base: '10.1.0.0/16', errorProp: 'allowEgress[0].to', build: (c, v) => { const web = service(c); return new NetworkIsolation(c, 'isolation', { allowEgress: [{ from: web, to: NetworkPeer.cidr(v), port: 5432, purpose: 'db' }] }); } },
  { prop: 'allowEgress.to (NetworkPeer.cidr except)', base: '10.1.2.0/24', errorProp: 'allowEgress[0].to', build: (c, v) => { const web = service(c); return new NetworkIsolation(c, 'isolation', { allowEgress: [{ from: web, to: NetworkPeer.cidr('10.1.0.0/16', [v]), port: 5432, purpose: 'db' }] }); } },
]);

/**
 * The payloads a careful attacker aims at what each value reaches (resource
 * attributes, `$(VAR)` in arguments, nginx's syntax, Datadog's templates and
 * handles, the collector's expansions, what kubectl's YAML parser refuses):
 * tried in every run, besides the random ones, so that the default run fails
 * for a missing escape deterministically.
 */
const UNWRITABLE: ReadonlyArray<readonly [PayloadClass, string]> = [['unicode', 'a\u007fb'], ['newline', 'a\u2028b'], ['unicode', 'a\ud800b'], ['newline', 'a\u0085b']];
const OTEL_ENV: ReadonlyArray<readonly [PayloadClass, string]> = [['breakers', 'prod,service.name=payments'], ['breakers', '$(K8S_POD_NAME)'], ['yaml', 'a=b%2C']];
const TEMPLATES: ReadonlyArray<readonly [PayloadClass, string]> = [['breakers', 'https://x.example.com/{{#is_alert}}'], ['breakers', 'https://x.example.com/@pagerduty-all'], ['newline', 'https://x.example.com/\n@pagerduty-all']];
const ENVOY_PATHS: ReadonlyArray<readonly [PayloadClass, string]> = [['breakers', '/%REQ(:PATH)%/'], ['quotes', '/a"b/'], ['breakers', '/a$(HOME)/']];
const PURPOSES: ReadonlyArray<readonly [PayloadClass, string]> = [['breakers', '```mermaid'], ['breakers', '"]) --> evil'], ['breakers', '<script>x</script>']];
const AIMED: Readonly<Record<string, ReadonlyArray<readonly [PayloadClass, string]>>> = {
  'ObservableService env (value)': UNWRITABLE,
  'ObservableService command': UNWRITABLE,
  'ObservableService args': UNWRITABLE,
  'ObservableService serviceAnnotations (value)': UNWRITABLE,
  'ObservableService podAnnotations (value)': UNWRITABLE,
  'ObservableService health.endpoints.live': ENVOY_PATHS,
  'ObservableService shutdown.action (PreStopAction.httpGet header value)': [['newline', 'a\r\nX-Admin: 1'], ...UNWRITABLE],
  'ObservableService egress (EgressRule purpose)': PURPOSES,
  'ObservableService tracing (Tracing.openTelemetry env)': OTEL_ENV,
  'ObservableService tracing (DatadogAgent.unixSocket)': [['breakers', '/var/run/datadog/../../../etc/apm.socket'], ['breakers', '/var/run/apm.socket'], ['breakers', '/tmp/apm.socket']],
  'FrontEnvoy routes[0].prefix': ENVOY_PATHS,
  'FrontEnvoy routes[0].path': ENVOY_PATHS,
  'FrontEnvoy healthCheck.path': ENVOY_PATHS,
  'FrontEnvoy serviceAnnotations (value)': UNWRITABLE,
  'FrontEnvoy tracing (Tracing.openTelemetry env)': OTEL_ENV,
  'OtelExporter.otlp endpoint (HTTP)': [['breakers', 'https://otlp.example.com/${file:/etc/passwd}'], ['breakers', 'https://otlp.example.com/a$$b'], ['breakers', 'https://otlp.example.com/a$b']],
  'OtelExporter.otlp name': [['breakers', 'a${env:HOME}']],
  'MeshSidecarScope extraHosts': [['newline', '*/a.example.com\n- evil/*'], ['yaml', '*/a.example.com, evil/*']],
  'DatadogMonitors runbookUrl (template)': TEMPLATES,
  'DatadogMonitors notify': [['newline', '@slack-shop\n@pagerduty-all'], ['breakers', '@slack-{{#is_alert}}x']],
  'DatadogMonitors tags': [['yaml', 'team:shop,env:prod'], ['breakers', 'team}']],
  'DatadogMonitors env': [['breakers', 'prod},service:x{'], ['yaml', 'prod,service:x']],
  'DatadogServiceDashboard title': [['breakers', '{{x}}'], ...UNWRITABLE],
  'DatadogServiceDashboard description': [['breakers', '{{x}}'], ...UNWRITABLE],
  'PrometheusAlerts runbookUrl (template)': [['breakers', 'https://x.example.com/{{ $labels.x }}']],
  'ServiceLevelObjectives runbookUrl': TEMPLATES,
  'LoadTest target.path': [['breakers', '/a$(HEADER_AUTHORIZATION)'], ['breakers', '/a?b=$(HEADER_AUTHORIZATION)']],
  'LoadTest target.url': [['breakers', 'https://api.example.com/$(HEADER_AUTHORIZATION)']],
  'LoadTest headers (value)': [['breakers', '$(HEADER_AUTHORIZATION)'], ['newline', 'a\r\nX-Evil: 1'], ...UNWRITABLE],
  'LoadTest secretHeaders.prefix': [['breakers', '$(HOME) '], ['newline', 'Bearer\r\n']],
  'MockBackend routes[0].body': [['breakers', '"; return 200 "owned'], ['breakers', '}'], ['breakers', 'a$host'], ['quotes', '\\"'], ...UNWRITABLE],
  'MockBackend routes[0].path': [['breakers', '/a;return'], ['breakers', '/a{'], ['quotes', "/a'b"]],
  'MockBackend routes[0].contentType': [['breakers', 'text/plain; return 200']],
  'NetworkIsolation allowIngress.purpose': PURPOSES,
};

// ---------------------------------------------------------------------------
// Building a case and judging it.

type Outcome = 'rejected' | 'accepted-safe' | 'accepted-but-invalid' | 'accepted-and-unsafe' | 'unclear-error';

interface Built {
  readonly manifests?: Manifest[];
  readonly topology?: string;
  /** Why the build failed other than with a clear ConfigurationError. */
  readonly failure?: string;
  readonly rejected?: boolean;
}

/** nginx, or undefined where it is not installed (CI installs it). */
const nginx = spawnSync('nginx', ['-v']).status === 0 ? 'nginx' : undefined;

/** Builds the declaration in a fresh app; a ConfigurationError must be clear and leave nothing behind. */
function build(p: StringProp, value: string): Built {
  const app = new App();
  const chart = new Chart(app, 'p', { namespace: 'shop' });
  try {
    p.build(chart, value);
  } catch (e) {
    if (!(e instanceof ConfigurationError)) return { failure: `threw ${String(e).slice(0, 300)}` };
    const props = e.problems.map((x) => x.prop);
    const lines = e.message.split('\n');
    if (!props.some((x) => x.startsWith(p.errorProp ?? p.prop))) return { failure: `the error names ${JSON.stringify(props)}, not ${p.errorProp ?? p.prop}` };
    if (lines.length !== e.problems.length) return { failure: `the message has ${lines.length} lines for ${e.problems.length} problems` };
    if (lines.some((l) => l.length > 2000)) return { failure: 'a line of the message is over 2000 characters' };
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029\u202e\u200b]/.test(e.message)) return { failure: 'the message holds a raw control or invisible character' };
    const thrower = chart.node.tryFindChild(e.constructPath.split('/').pop()!);
    if (thrower && thrower.node.findAll().some((c) => ApiObject.isApiObject(c))) return { failure: `${e.constructPath} left objects behind` };
    // What was made before the construct under test still renders.
    renderTopology(chart);
    return { rejected: true };
  }
  let yaml: string;
  try {
    yaml = app.synthYaml();
  } catch (e) {
    return { failure: `synth failed: ${String(e).slice(0, 500)}` };
  }
  const unprintable = unprintableInYaml(yaml);
  if (unprintable) return { failure: `the YAML holds an unprintable character (${unprintable})` };
  return { manifests: parseAllDocuments(yaml).map((d) => d.toJS() as Manifest).filter((m) => m !== null), topology: renderTopology(chart) };
}

/**
 * What a family's accepted payloads leave to be checked in one batch, a process each: the
 * Istio and Prometheus resources against their CRD schemas, the Prometheus rule files with promtool.
 */
interface Batched {
  readonly label: string;
  readonly crds: Manifest[];
  readonly ruleFiles: string[];
  /** Counts the case as accepted-but-invalid instead of the outcome it was counted with, when the batch finds it so. */
  recount?: () => void;
}

/** Why accepted manifests would be refused: Kubernetes, Datadog's CRDs, nginx, Fortio (the CRD schemas and promtool are left to `batched`). */
function invalid(manifests: Manifest[], batched: Batched): string[] {
  const errors: string[] = [];
  for (const m of manifests) {
    errors.push(...objectErrors(m, batched.crds));
    const conf = m.kind === 'ConfigMap' ? m.data?.['nginx.conf'] : undefined;
    if (conf !== undefined && nginx) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-nginx-'));
      fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
      const r = spawnSync(nginx, ['-t', '-q', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
      if (r.status !== 0) errors.push(`nginx -t: ${r.stderr.slice(0, 300)}`);
      fs.rmSync(dir, { recursive: true });
    }
    if (m.kind === 'Job') {
      const problem = fortioLoadArgsError(m.spec.template.spec.containers[0].args);
      if (problem) errors.push(`fortio: ${problem}`);
    }
    if (m.kind === 'PrometheusRule' && promtool) batched.ruleFiles.push(ruleFile(m.spec.groups));
  }
  return errors;
}

/** The structure of a topology diagram: its lines, with labels and node names left out, so what Mermaid and Markdown read in them. */
function topologyShape(doc: string): string[] {
  return doc.split('\n').map((line) => line.replace(/"[^"\n]*"/g, '"…"').replace(/[\w.]+/g, 'w'));
}

interface Tally {
  readonly counts: Map<string, Record<Outcome, number>>;
  readonly failures: string[];
}

const ALL_PROPS: StringProp[] = [...SERVICE, ...SECRET_REFS, ...FRONT_ENVOY, ...COLLECTOR, ...MESH, ...MONITORING, ...LOAD_TESTS, ...NETWORK];

/** Tries every prop of a family with every payload class; counts the outcomes. */
function attack(props: readonly StringProp[], tally: Tally, seedOffset: number): void {
  const batches: Batched[] = [];
  props.forEach((p, pi) => {
    let baseShape: { manifests: string[]; topology: string[] } | undefined;
    const baseline = () => {
      if (baseShape) return baseShape;
      const base = build(p, p.base);
      if (!base.manifests) throw new Error(`${p.construct} ${p.prop}: the valid value ${JSON.stringify(p.base)} fails: ${base.failure ?? 'rejected'}`);
      baseShape = { manifests: structure(base.manifests, [p.base], p), topology: topologyShape(base.topology!) };
      return baseShape;
    };
    const attempt = (payloadClass: PayloadClass, value: string) => {
      const key = `${payloadClass}\t${p.construct}\t${p.prop}`;
      const counts = tally.counts.get(key) ?? { 'rejected': 0, 'accepted-safe': 0, 'accepted-but-invalid': 0, 'accepted-and-unsafe': 0, 'unclear-error': 0 };
      tally.counts.set(key, counts);
      const label = `${p.construct} ${p.prop} [${payloadClass}] ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…(${value.length})` : value)}`;
      const before = batches.length;
      const outcome = judge(p, value, label, baseline, batches);
      counts[outcome.outcome]++;
      const batched = batches.length > before ? batches[batches.length - 1] : undefined;
      if (batched) {
        batched.recount = () => {
          counts[outcome.outcome]--;
          counts['accepted-but-invalid']++;
          batched.recount = undefined;
        };
      }
      if (outcome.detail) tally.failures.push(`${outcome.outcome}: ${label}: ${outcome.detail}`);
    };
    PAYLOAD_CLASSES.forEach((payloadClass: PayloadClass, ci) => {
      fc.assert(fc.property(payload(payloadClass, p.base), (value) => attempt(payloadClass, value)), { seed: SEED + seedOffset + pi * PAYLOAD_CLASSES.length + ci, numRuns: RUNS });
    });
    for (const [payloadClass, value] of AIMED[`${p.construct} ${p.prop}`] ?? []) attempt(payloadClass, value);
  });
  // The Istio and Prometheus resources against their CRD schemas, and the rule files with
  // promtool, each in one process; a case at a time only to name the cases of a failure.
  // A case found invalid is counted so, and a batch failure no single case repeats is reported whole.
  const invalidCase = (b: Batched, detail: string) => {
    b.recount?.();
    tally.failures.push(`accepted-but-invalid: ${b.label}: ${detail}`);
  };
  const crds = batches.flatMap((b) => b.crds);
  const crdErrors = crds.length > 0 ? crdSchemaErrors(crds) : [];
  if (crdErrors.length > 0) {
    const before = tally.failures.length;
    for (const b of batches) {
      const errors = b.crds.length > 0 ? crdSchemaErrors(b.crds) : [];
      if (errors.length > 0) invalidCase(b, errors.join('; '));
    }
    if (tally.failures.length === before) tally.failures.push(`accepted-but-invalid: the CRD check of the batch: ${crdErrors.slice(0, 3).join('; ')}`);
  }
  const ruleFiles = batches.flatMap((b) => b.ruleFiles);
  const rules = ruleFiles.length > 0 ? checkRules(...ruleFiles) : undefined;
  if (rules && rules.status !== 0) {
    const before = tally.failures.length;
    for (const b of batches) {
      for (const file of b.ruleFiles) {
        const r = checkRules(file);
        if (r.status !== 0) invalidCase(b, `promtool: ${r.output.slice(0, 300)}`);
      }
    }
    if (tally.failures.length === before) tally.failures.push(`accepted-but-invalid: promtool on the batch: ${rules.output.slice(0, 300)}`);
  }
}

function judge(p: StringProp, value: string, label: string, baseline: () => { manifests: string[]; topology: string[] }, batches: Batched[]): { outcome: Outcome; detail?: string } {
  const built = build(p, value);
  if (built.rejected) return { outcome: 'rejected' };
  if (built.failure) return built.failure.startsWith('synth failed') || built.failure.startsWith('the YAML')
    ? { outcome: 'accepted-but-invalid', detail: built.failure } : { outcome: 'unclear-error', detail: built.failure };
  const manifests = built.manifests!;
  const batched: Batched = { label, crds: [], ruleFiles: [] };
  const errors = invalid(manifests, batched);
  if (batched.crds.length > 0 || batched.ruleFiles.length > 0) batches.push(batched);
  if (errors.length > 0) return { outcome: 'accepted-but-invalid', detail: errors.slice(0, 3).join('; ') };
  const base = baseline();
  const difference = firstDifference(base.manifests, structure(manifests, [value], p)) ?? firstDifference(base.topology, topologyShape(built.topology!));
  return difference ? { outcome: 'accepted-and-unsafe', detail: difference } : { outcome: 'accepted-safe' };
}

/**
 * The counts: one row per prop with `rejected/accepted-safe` per payload class
 * (any other outcome fails the test and is listed), then the totals of every
 * outcome by class.
 */
function report(tally: Tally): string {
  const outcomes: Outcome[] = ['rejected', 'accepted-safe', 'accepted-but-invalid', 'accepted-and-unsafe', 'unclear-error'];
  const props = [...new Set([...tally.counts.keys()].map((k) => k.slice(k.indexOf('\t') + 1)))];
  const rows = props.map((prop) => `${prop.replace('\t', ' ')}\t${PAYLOAD_CLASSES.map((cls) => {
    const c = tally.counts.get(`${cls}\t${prop}`);
    return c ? `${c.rejected}/${c['accepted-safe']}` : '-';
  }).join('\t')}`);
  const byClass = PAYLOAD_CLASSES.map((cls) => {
    const sums = outcomes.map((o) => [...tally.counts.entries()].filter(([k]) => k.startsWith(`${cls}\t`)).reduce((n, [, c]) => n + c[o], 0));
    return `${cls}\t${sums.join('\t')}`;
  });
  return [`prop (rejected/accepted-safe)\t${PAYLOAD_CLASSES.join('\t')}`, ...rows, '', `class\t${outcomes.join('\t')}`, ...byClass].join('\n');
}

describe('the oracle tells an injected structure from a harmless value', () => {
  const deployment = (args: string[], attributes: string): Manifest => ({
    kind: 'Deployment', spec: { template: { spec: { containers: [{ args, env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: attributes }] }] } } },
  });

  test('a resource attribute more, or a $(VAR) unescaped in an argument the library built, changes the structure', () => {
    const base = structure([deployment(['-H', 'X: a'], 'service.version=1,deployment.environment.name=prod')], ['prod']);
    expect(structure([deployment(['-H', 'X: b c'], 'service.version=1,deployment.environment.name=p%2Cq')], ['p,q'])).toEqual(base);
    expect(firstDifference(base, structure([deployment(['-H', 'X: a'], 'service.version=1,deployment.environment.name=p,service.name=x')], ['p,service.name=x'])))
      .toMatch(/env\.0\.value\(embedded\):array\(2\) became .*env\.0\.value\(embedded\):array\(3\)/);
    expect(firstDifference(base, structure([deployment(['-H', 'X: $(SECRET)'], 'service.version=1,deployment.environment.name=prod')], ['$(SECRET)']))).toMatch(/\$\(=0 became .*\$\(=1/);
    expect(structure([deployment(['-H', 'X: $$(SECRET)'], 'service.version=1,deployment.environment.name=prod')], ['$(SECRET)'])).toEqual(base);
  });

  test("the user's own argument may use $(VAR); a map key holding the value is compared as <value>", () => {
    const owned = (arg: string) => structure([deployment([arg], 'a=1')], [arg], { owned: true });
    expect(owned('$(HOME)')).toEqual(owned('--verbose'));
    const labels = (key: string) => structure([{ kind: 'Pod', metadata: { labels: { [key]: 'x' } } }], [key], { keyed: true });
    expect(labels('team')).toEqual(labels('owner'));
  });

  test("nginx's structure: a directive smuggled into a quoted string is seen, an escaped quote is not", () => {
    const conf = (body: string) => `http {\n  location = /a {\n    return 200 "${body}";\n  }\n}\n`;
    expect(nginxShape(conf('ok'))).toEqual(['http', '{', 'location', '<arg>', '<arg>', '{', 'return', '<arg>', '<arg>', ';', '}', '}']);
    expect(nginxShape(conf('a \\" b; } x'))).toEqual(nginxShape(conf('ok')));
    expect(nginxShape(conf('a"; return 200 "b'))).not.toEqual(nginxShape(conf('ok')));
  });

  test('characters kubectl cannot read back are found in YAML text', () => {
    expect(unprintableInYaml('a: "b\\u007f"\n')).toBeUndefined();
    expect(unprintableInYaml('a: "b\u007f"\n')).toBe('U+007f at 5');
  });
});

describe(`adversarial payloads in every string prop (seed ${SEED}, ${RUNS} per prop and class)`, () => {
  const tally: Tally = { counts: new Map(), failures: [] };
  const families: Array<[string, StringProp[]]> = [
    ['ObservableService and its value types', [...SERVICE, ...SECRET_REFS]],
    ['FrontEnvoy', FRONT_ENVOY],
    ['OtelCollector and its exporters', COLLECTOR],
    ['Istio mesh resources', MESH],
    ['monitors, dashboard, alerts and objectives', MONITORING],
    ['LoadTest and MockBackend', LOAD_TESTS],
    ['NetworkIsolation', NETWORK],
  ];

  test.each(families.map(([name, props], i) => [name, props, i] as const))('%s: each payload is rejected clearly or accepted valid and unchanged in structure', (_name, props, i) => {
    const before = tally.failures.length;
    attack(props, tally, i * 10_000);
    expect(tally.failures.slice(before)).toEqual([]);
  });

  afterAll(() => {
    // The outcome counts by payload class and prop (the closing report of issue 13 quotes the totals).
    console.log(report(tally));
  });

  test('every aimed payload names a prop of the inventory', () => {
    const props = new Set(ALL_PROPS.map((p) => `${p.construct} ${p.prop}`));
    expect(Object.keys(AIMED).filter((k) => !props.has(k))).toEqual([]);
  });

  test('the inventory covers every construct of the public API that takes text', () => {
    const constructs = new Set(ALL_PROPS.map((p) => p.construct));
    expect([...constructs].sort()).toEqual([
      'DatadogMonitors', 'DatadogServiceDashboard', 'FrontEnvoy', 'LoadTest', 'MeshPeerAuthentication', 'MeshSidecarScope', 'MeshTelemetry', 'MockBackend', 'NetworkIsolation',
      'ObservableService', 'OtelCollector', 'OtelExporter.datadog', 'OtelExporter.eckApmServer', 'OtelExporter.elasticApm', 'OtelExporter.otlp', 'PrometheusAlerts', 'ServiceLevelObjectives',
    ]);
    expect(ALL_PROPS.length).toBeGreaterThanOrEqual(100);
  });
});

