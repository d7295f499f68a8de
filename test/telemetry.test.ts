import { createHash } from 'crypto';
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { parse } from 'yaml';
import { checkCollectorPipelines, DatadogAgent, FrontEnvoy, ObservableService, ObservableServiceProps, OtelCollector, OtelExporter, OtlpProtocol, Signal, Tracing } from '../lib';
import { constructError } from './support/errors';
import { kubernetesSchemaErrors } from './support/kubernetes-schema';
import { Manifest, appContainer, synth } from './support/synth';

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'shop' });
}

function service(tracing: Tracing, props: Partial<ObservableServiceProps> = {}) {
  const c = chart();
  new ObservableService(c, 'web', { image: 'registry.example.com/shop/web:1.4.2', port: 8080, tracing, ...props });
  const manifests = synth(c);
  const deployment = manifests.find((m) => m.kind === 'Deployment')!;
  const env: Manifest[] = appContainer(deployment).env ?? [];
  return { manifests, deployment, env, names: env.map((e) => e.name), byName: Object.fromEntries(env.map((e) => [e.name, e])) };
}

describe('Datadog on a service', () => {
  const datadog = Tracing.datadog({ env: 'production', samplingPercentage: 25 });

  test('unified service tagging: labels on the Deployment and its pods, DD_* read from them', () => {
    const { deployment, byName, manifests } = service(datadog);
    const tags = { 'tags.datadoghq.com/env': 'production', 'tags.datadoghq.com/service': 'web', 'tags.datadoghq.com/version': '1.4.2' };
    expect(deployment.metadata.labels).toMatchObject(tags);
    expect(deployment.spec.template.metadata.labels).toMatchObject(tags);
    expect(byName.DD_ENV.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.labels['tags.datadoghq.com/env']" } });
    expect(byName.DD_SERVICE.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.labels['tags.datadoghq.com/service']" } });
    expect(byName.DD_VERSION.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.labels['tags.datadoghq.com/version']" } });
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });

  test('the agent through its ClusterIP Service by default', () => {
    const { byName } = service(datadog);
    expect(byName.DD_AGENT_HOST).toEqual({ name: 'DD_AGENT_HOST', value: 'datadog.datadog.svc.cluster.local' });
    expect(byName.DD_TRACE_AGENT_PORT).toEqual({ name: 'DD_TRACE_AGENT_PORT', value: '8126' });
  });

  test('the agent Service name and namespace are configurable', () => {
    const { byName } = service(Tracing.datadog({ env: 'staging', agent: DatadogAgent.clusterService({ service: 'dd-agent', namespace: 'monitoring' }) }));
    expect(byName.DD_AGENT_HOST.value).toBe('dd-agent.monitoring.svc.cluster.local');
  });

  test('the agent through the node IP: DD_AGENT_HOST from status.hostIP', () => {
    const { byName } = service(Tracing.datadog({ env: 'production', agent: DatadogAgent.hostIp() }));
    expect(byName.DD_AGENT_HOST.valueFrom).toEqual({ fieldRef: { fieldPath: 'status.hostIP' } });
    expect(byName.DD_TRACE_AGENT_PORT.value).toBe('8126');
  });

  test('the agent through its Unix socket, mounted read-only from the host', () => {
    const { byName, deployment, names, manifests } = service(Tracing.datadog({ env: 'production', agent: DatadogAgent.unixSocket() }));
    expect(byName.DD_TRACE_AGENT_URL.value).toBe('unix:///var/run/datadog/apm.socket');
    expect(names).not.toContain('DD_AGENT_HOST');
    expect(appContainer(deployment).volumeMounts).toContainEqual({ mountPath: '/var/run/datadog', name: 'datadog-apm-socket', readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'datadog-apm-socket', hostPath: { path: '/var/run/datadog', type: 'Directory' } });
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });

  test('trace-log correlation on, sampling through DD_TRACE_SAMPLING_RULES, never the deprecated DD_TRACE_SAMPLE_RATE', () => {
    const { byName, names } = service(datadog);
    expect(byName.DD_LOGS_INJECTION.value).toBe('true');
    expect(JSON.parse(byName.DD_TRACE_SAMPLING_RULES.value)).toEqual([{ sample_rate: 0.25 }]);
    expect(names).not.toContain('DD_TRACE_SAMPLE_RATE');
    expect(byName.DD_TRACE_PROPAGATION_STYLE.value).toBe('datadog,tracecontext');
  });

  test('the admission controller opt-in: label on, and none of the variables it injects', () => {
    const { deployment, names } = service(Tracing.datadog({ env: 'production', admissionController: true }));
    expect(deployment.spec.template.metadata.labels['admission.datadoghq.com/enabled']).toBe('true');
    expect(deployment.spec.template.metadata.labels['tags.datadoghq.com/env']).toBe('production');
    for (const injected of ['DD_ENV', 'DD_SERVICE', 'DD_VERSION', 'DD_AGENT_HOST', 'DD_TRACE_AGENT_PORT', 'DD_TRACE_AGENT_URL']) expect(names).not.toContain(injected);
    expect(names).toEqual(['DD_LOGS_INJECTION', 'DD_TRACE_SAMPLING_RULES', 'DD_TRACE_PROPAGATION_STYLE']);
  });

  test('without the opt-in there is no admission label', () => {
    expect(service(datadog).deployment.spec.template.metadata.labels['admission.datadoghq.com/enabled']).toBeUndefined();
  });

  test('a service traced with Datadog needs an env', () => {
    const error = constructError(() => service(Tracing.datadog()));
    expect(error.problems.map((p) => p.prop)).toEqual(['tracing.env']);
  });

  test('a user variable may not replace a tracing variable', () => {
    const error = constructError(() => service(datadog, { env: { DD_ENV: kplus.EnvValue.fromValue('dev') } }));
    expect(error.problems.map((p) => p.prop)).toEqual(['env.DD_ENV']);
  });

  test('user variables follow the tracing variables', () => {
    const { names } = service(datadog, { env: { LOG_LEVEL: kplus.EnvValue.fromValue('info') } });
    expect(names[names.length - 1]).toBe('LOG_LEVEL');
  });
});

describe('OpenTelemetry on a service', () => {
  const otel = Tracing.openTelemetry({ host: 'otel.observability.svc.cluster.local', samplingPercentage: 10, env: 'production' });

  test('the SDK environment', () => {
    const { byName } = service(otel);
    expect(byName.OTEL_SERVICE_NAME.value).toBe('web');
    expect(byName.OTEL_EXPORTER_OTLP_ENDPOINT.value).toBe('http://otel.observability.svc.cluster.local:4317');
    expect(byName.OTEL_EXPORTER_OTLP_PROTOCOL.value).toBe('grpc');
    expect(byName.OTEL_TRACES_SAMPLER.value).toBe('parentbased_traceidratio');
    expect(byName.OTEL_TRACES_SAMPLER_ARG.value).toBe('0.1');
    expect(byName.OTEL_PROPAGATORS.value).toBe('tracecontext,baggage');
    expect(byName.OTEL_RESOURCE_ATTRIBUTES.value).toBe(
      'k8s.pod.name=$(K8S_POD_NAME),k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.node.name=$(K8S_NODE_NAME),k8s.pod.uid=$(K8S_POD_UID),service.version=1.4.2,deployment.environment.name=production');
  });

  test('every $(VAR) reference names a variable defined earlier in the list', () => {
    const { env } = service(otel, { env: { EXTRA: kplus.EnvValue.fromValue('x') } });
    env.forEach((entry, i) => {
      for (const [, ref] of String(entry.value ?? '').matchAll(/\$\(([A-Z0-9_]+)\)/g)) {
        const definedAt = env.findIndex((e) => e.name === ref);
        expect(definedAt).toBeGreaterThanOrEqual(0);
        expect(definedAt).toBeLessThan(i);
      }
    });
  });

  test('the downward-API variables read the pod name, namespace, node and uid', () => {
    const { byName } = service(otel);
    expect(byName.K8S_POD_NAME.valueFrom.fieldRef.fieldPath).toBe('metadata.name');
    expect(byName.K8S_NAMESPACE_NAME.valueFrom.fieldRef.fieldPath).toBe('metadata.namespace');
    expect(byName.K8S_NODE_NAME.valueFrom.fieldRef.fieldPath).toBe('spec.nodeName');
    expect(byName.K8S_POD_UID.valueFrom.fieldRef.fieldPath).toBe('metadata.uid');
  });

  test('a collector is a valid target', () => {
    const c = chart();
    const collector = new OtelCollector(c, 'otel-collector', { exporters: [OtelExporter.otlp({ name: 'backend', endpoint: 'backend.example.com:4317' })] });
    new ObservableService(c, 'web', { image: 'a/web:1', port: 8080, tracing: Tracing.openTelemetry({ collector }) });
    const env = appContainer(synth(c).find((m) => m.kind === 'Deployment' && m.metadata.name === 'web')!).env as Manifest[];
    expect(env.find((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')!.value).toBe('http://otel-collector.shop.svc.cluster.local:4317');
  });

  test('sampling outside 0 to 100 is an error', () => {
    const error = constructError(() => service(Tracing.openTelemetry({ host: 'otel', samplingPercentage: 120 })));
    expect(error.problems.map((p) => p.prop)).toEqual(['tracing.samplingPercentage']);
  });
});

describe('trace propagation between FrontEnvoy and its services', () => {
  function front(proxy: Tracing, app: Tracing) {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: 'a/web:1', port: 8080, tracing: app });
    return () => new FrontEnvoy(c, 'front', { routes: [{ prefix: '/', service: web }], tracing: proxy });
  }
  const datadog = Tracing.datadog({ env: 'production' });
  const otel = Tracing.openTelemetry({ host: 'otel.observability.svc.cluster.local' });

  test('Datadog headers from the proxy to an OpenTelemetry service would break traces: an error', () => {
    const error = constructError(front(datadog, otel));
    expect(error.problems.map((p) => p.prop)).toEqual(['routes[0].service']);
    expect(error.message).toMatch(/reads tracecontext and baggage trace context, but the front proxy writes datadog headers/);
  });

  test('W3C tracecontext from the proxy is read by a Datadog service', () => {
    expect(front(otel, datadog)).not.toThrow();
  });

  test('the same provider on both sides agrees', () => {
    expect(front(datadog, datadog)).not.toThrow();
    expect(front(otel, otel)).not.toThrow();
  });

  test('the front proxy can only reach the agent through its Service', () => {
    const error = constructError(front(Tracing.datadog({ agent: DatadogAgent.hostIp() }), datadog));
    expect(error.problems.map((p) => p.prop)).toEqual(['tracing.agent']);
  });
});

describe('OtelCollector', () => {
  function collector(exporters: OtelExporter[] = [elastic()], props: { signals?: Signal[] } = {}) {
    const c = chart();
    const col = new OtelCollector(c, 'otel-collector', { exporters, ...props });
    const manifests = synth(c);
    const configMap = manifests.find((m) => m.kind === 'ConfigMap')!;
    return { col, manifests, configMap, config: parse(configMap.data['collector.yaml']) as Manifest, deployment: manifests.find((m) => m.kind === 'Deployment')! };
  }
  function elastic() {
    const secret = kplus.Secret.fromSecretName(new Chart(Testing.app(), 'secrets'), 'Token', 'apm-server-apm-token');
    return OtelExporter.elasticApm({ host: 'apm-server-apm-http.elastic-system.svc', secretToken: { secret, key: 'secret-token' } });
  }

  test('every manifest passes the Kubernetes schema, and the config passes the pipeline check', () => {
    const { manifests, config } = collector();
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
    expect(checkCollectorPipelines(config)).toEqual([]);
  });

  test('processors run in the recommended order in every pipeline', () => {
    const { config } = collector();
    for (const signal of ['traces', 'metrics', 'logs']) {
      expect(config.service.pipelines[signal]).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'k8s_attributes', 'batch'], exporters: ['otlp_grpc/elastic'] });
    }
  });

  test('the Elastic APM token comes from the Secret through an environment variable, never from the ConfigMap', () => {
    const { config, configMap, deployment } = collector();
    expect(config.exporters['otlp_grpc/elastic']).toEqual({ endpoint: 'apm-server-apm-http.elastic-system.svc:8200', headers: { Authorization: 'Bearer ${env:ELASTIC_SECRET_TOKEN}' } });
    expect(appContainer(deployment).env).toEqual([{ name: 'ELASTIC_SECRET_TOKEN', valueFrom: { secretKeyRef: { name: 'apm-server-apm-token', key: 'secret-token' } } }]);
    expect(JSON.stringify(configMap.data)).not.toMatch(/Bearer (?!\$\{env:)/);
  });

  test('ECK: the host, the token and the CA Secrets are derived from the ApmServer; the CA is mounted read-only and verifies the server', () => {
    const c = new Chart(Testing.app(), 'obs', { namespace: 'elastic-system' });
    new OtelCollector(c, 'otel-collector', { exporters: [OtelExporter.eckApmServer({ apmServer: 'apm', namespace: 'elastic-system' })] });
    const manifests = synth(c);
    const config = parse(manifests.find((m) => m.kind === 'ConfigMap')!.data['collector.yaml']) as Manifest;
    expect(config.exporters['otlp_grpc/elastic']).toEqual({
      endpoint: 'apm-apm-http.elastic-system.svc:8200', headers: { Authorization: 'Bearer ${env:ELASTIC_SECRET_TOKEN}' }, tls: { ca_file: '/etc/otelcol/ca/elastic/ca.crt' },
    });
    const deployment = manifests.find((m) => m.kind === 'Deployment')!;
    const container = appContainer(deployment);
    expect(container.env).toEqual([{ name: 'ELASTIC_SECRET_TOKEN', valueFrom: { secretKeyRef: { name: 'apm-apm-token', key: 'secret-token' } } }]);
    const mount = (container.volumeMounts as Manifest[]).find((v) => v.mountPath === '/etc/otelcol/ca/elastic')!;
    expect(mount.readOnly).toBe(true);
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: mount.name, secret: { secretName: 'apm-apm-http-certs-public', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    // The file the config names is the file the volume provides.
    expect(`${mount.mountPath}/ca.crt`).toBe(config.exporters['otlp_grpc/elastic'].tls.ca_file);
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });

  test("a collector outside the namespace of a Secret it reads is an error naming both namespaces and the two fixes (ECK's, or a Secret made elsewhere)", () => {
    const eck = constructError(() => new OtelCollector(chart(), 'otel-collector', { exporters: [OtelExporter.eckApmServer({ apmServer: 'apm', namespace: 'elastic-system' })] }));
    expect(eck.problems.map((p) => p.prop)).toEqual(['exporters[0]']);
    expect(eck.message).toMatch(/reads the Secrets apm-apm-token and apm-apm-http-certs-public in namespace elastic-system, but the collector runs in namespace shop/);
    expect(eck.message).toMatch(/Fix: run the collector in elastic-system \(namespace: 'elastic-system'\), or copy the Secrets into shop with a tool that keeps them in sync/);
    const c = chart();
    const token = new kplus.Secret(new Chart(c.node.scope!, 'vault', { namespace: 'vault' }), 'token', { stringData: { token: 'x' } });
    const made = constructError(() => new OtelCollector(c, 'otel-collector', { exporters: [OtelExporter.otlp({ name: 'vendor', endpoint: 'otlp.example.com:4317', bearerToken: { secret: token, key: 'token' } })] }));
    expect(made.message).toMatch(new RegExp(`reads the Secret ${token.name} in namespace vault, but the collector runs in namespace shop`));
  });

  test('ECK options are checked: names, and insecure with a CA', () => {
    expect(constructError(() => new OtelCollector(chart(), 'c', { exporters: [OtelExporter.eckApmServer({ apmServer: 'APM Server', namespace: 'shop' })] })).problems.map((p) => p.prop))
      .toEqual(['exporters[0].apmServer']);
    const secret = { secretName: 'ca', key: 'ca.crt' };
    expect(constructError(() => new OtelCollector(chart(), 'c', { exporters: [OtelExporter.elasticApm({ host: 'apm', secretToken: { secretName: 't', key: 'k' }, caCertificate: secret, insecure: true })] })).problems.map((p) => p.prop))
      .toEqual(['exporters[0].insecure']);
  });

  test('least-privilege RBAC for the k8s attributes processor', () => {
    const { manifests } = collector();
    const role = manifests.find((m) => m.kind === 'ClusterRole')!;
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'watch', 'list'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'watch', 'list'] },
    ]);
    const binding = manifests.find((m) => m.kind === 'ClusterRoleBinding')!;
    // Cluster-scoped: no namespace (the API server would ignore or reject one; kubectl diff shows it forever).
    expect([role.metadata.namespace, binding.metadata.namespace]).toEqual([undefined, undefined]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'otel-collector', namespace: 'shop' }]);
  });

  test('the Service exposes OTLP gRPC and HTTP, named and with appProtocol; the health port stays internal', () => {
    const svc = collector().manifests.find((m) => m.kind === 'Service')!;
    expect(svc.spec.ports).toEqual([
      { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'otlp-http', port: 4318, targetPort: 4318, protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(svc.spec.clusterIP).toBeUndefined();
  });

  test('the probes use the health_check extension on 0.0.0.0:13133', () => {
    const { config, deployment } = collector();
    expect(config.extensions.health_check).toEqual({ endpoint: '0.0.0.0:13133' });
    const container = appContainer(deployment);
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/', port: 13133 });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 13133 });
  });

  test('the Datadog exporter and a generic OTLP/HTTP exporter', () => {
    const secrets = new Chart(Testing.app(), 's');
    const { config, deployment } = collector([
      OtelExporter.datadog({ apiKey: { secret: kplus.Secret.fromSecretName(secrets, 'dd', 'datadog-keys'), key: 'api-key' } }),
      OtelExporter.otlp({ name: 'vendor', protocol: OtlpProtocol.HTTP, endpoint: 'https://otlp.vendor.example.com', bearerToken: { secret: kplus.Secret.fromSecretName(secrets, 'v', 'vendor'), key: 'token' } }),
    ], { signals: [Signal.TRACES] });
    expect(config.exporters.datadog).toEqual({ api: { key: '${env:DD_API_KEY}', site: 'datadoghq.com' } });
    expect(config.exporters['otlp_http/vendor'].headers).toEqual({ Authorization: 'Bearer ${env:VENDOR_BEARER_TOKEN}' });
    expect(Object.keys(config.service.pipelines)).toEqual(['traces']);
    expect((appContainer(deployment).env as Manifest[]).map((e) => e.name)).toEqual(['DD_API_KEY', 'VENDOR_BEARER_TOKEN']);
  });

  test('no exporter, or two with the same name, is an error', () => {
    expect(constructError(() => new OtelCollector(chart(), 'c', { exporters: [] })).problems[0].prop).toBe('exporters');
    const twice = [OtelExporter.otlp({ name: 'x', endpoint: 'a:4317' }), OtelExporter.otlp({ name: 'x', endpoint: 'b:4317' })];
    expect(constructError(() => new OtelCollector(chart(), 'c', { exporters: twice })).message).toMatch(/name the same component twice/);
  });

  test('an edited config that breaks a pipeline fails synth', () => {
    const app = new App({ outdir: '/tmp/cdk8s-observable-test-out' });
    const col = new OtelCollector(new Chart(app, 'obs'), 'otel-collector', { exporters: [OtelExporter.otlp({ name: 'x', endpoint: 'a:4317' })] });
    (col.config.service!.pipelines!.traces.exporters as string[]).push('otlp_grpc/missing');
    expect(() => app.synth()).toThrow(/obs\/otel-collector: collector config: service.pipelines.traces.exporters names "otlp_grpc\/missing", which is not defined under exporters/);
  });

  test('an edit of the config after construction reaches the ConfigMap and rolls the pods', () => {
    const c = chart();
    const col = new OtelCollector(c, 'otel-collector', { exporters: [OtelExporter.otlp({ name: 'x', endpoint: 'a:4317' })] });
    const before = synth(c);
    (col.config.processors as Manifest).batch.timeout = '1s';
    const after = synth(c);
    const config = (ms: Manifest[]) => parse(ms.find((m) => m.kind === 'ConfigMap')!.data['collector.yaml']) as Manifest;
    const hash = (ms: Manifest[]) => ms.find((m) => m.kind === 'Deployment')!.spec.template.metadata.annotations['observable.cdk8s.io/config-hash'];
    expect(config(before).processors.batch.timeout).toBe('200ms');
    expect(config(after).processors.batch.timeout).toBe('1s');
    expect(col.configYaml).toContain('timeout: 1s');
    expect(hash(after)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(after)).not.toBe(hash(before));
  });

  test("an edit made by a later construct's validation is checked, written and hashed as edited", () => {
    const edit = (exporter: string) => {
      const c = chart();
      const col = new OtelCollector(c, 'otel-collector', { exporters: [OtelExporter.otlp({ name: 'x', endpoint: 'a:4317' })] });
      // Later in the tree, so validated after the collector: its check and its text come after the edit.
      new Construct(c, 'late').node.addValidation({ validate: () => { (col.config.service!.pipelines!.traces.exporters as string[])[0] = exporter; return []; } });
      return () => Testing.synth(c) as Manifest[];
    };
    const manifests = edit('otlp_grpc/x')();
    const text = manifests.find((m) => m.kind === 'ConfigMap')!.data['collector.yaml'];
    expect(parse(text).service.pipelines.traces.exporters).toEqual(['otlp_grpc/x']);
    const deployment = manifests.find((m) => m.kind === 'Deployment')!;
    expect(deployment.spec.template.metadata.annotations['observable.cdk8s.io/config-hash']).toBe(createHash('sha256').update(text).digest('hex').slice(0, 16));
    expect(edit('otlp_grpc/missing')).toThrow(/collector config: service.pipelines.traces.exporters names "otlp_grpc\/missing", which is not defined under exporters/);
  });
});

describe('checkCollectorPipelines', () => {
  const base = () => ({
    receivers: { otlp: {} },
    processors: { batch: {} },
    exporters: { 'otlp_grpc/a': {} },
    extensions: { health_check: {} },
    service: { extensions: ['health_check'], pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlp_grpc/a'] } } },
  });

  test('a consistent config passes', () => {
    expect(checkCollectorPipelines(base())).toEqual([]);
  });

  test('a referenced component that is not defined is reported', () => {
    const config = base();
    config.service.pipelines.traces.processors.push('memory_limiter');
    expect(checkCollectorPipelines(config)).toEqual(['service.pipelines.traces.processors names "memory_limiter", which is not defined under processors']);
  });

  test('a defined component no pipeline uses is reported', () => {
    const config = { ...base(), exporters: { 'otlp_grpc/a': {}, debug: {} } };
    expect(checkCollectorPipelines(config)).toEqual(['exporters.debug is defined but no pipeline uses it']);
  });

  test('an extension not listed in service.extensions is reported', () => {
    const config = base();
    config.service.extensions = [];
    expect(checkCollectorPipelines(config)).toEqual(['extensions.health_check is defined but no pipeline uses it']);
  });

  test('a connector must join two pipelines', () => {
    const config = { ...base(), connectors: { spanmetrics: {} } };
    config.service.pipelines.traces.exporters.push('spanmetrics');
    expect(checkCollectorPipelines(config)).toEqual(['connectors.spanmetrics must be an exporter of one pipeline and a receiver of another']);
  });
});
