import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PropChecker, asOwnProps, quote } from '../common/errors';
import { frozen, frozenList } from '../common/frozen';
import { imageVersion, resolveIdentity } from '../common/identity';
import { parseImage } from '../common/image';
import { KubernetesVersion } from '../common/kubernetes-version';
import { checkMetadataMap } from '../common/labels';
import { addValidationLast, oncePerSynthesis } from '../common/synthesis';
import { DEFAULT_HTTP_HEALTH } from '../service/health';
import { ObservableService } from '../service/observable-service';
import { Protocol } from '../service/protocol';
import { Tracing } from '../telemetry/tracing';
import { proxyTracingFeature } from '../telemetry/tracing-feature';
import { RenderedConfigFile, SettledRendering, textHash } from '../workload/config-file';
import { checkCidr } from '../workload/egress';
import { networkOf } from '../workload/network';
import { PreStopAction } from '../workload/shutdown';
import { ActiveHealthCheckTiming, BootstrapSpec, DRAIN_TOKEN_HEADER, JsonObject, METRICS_PATH, UpstreamSpec, bootstrap } from './bootstrap';
import {
  CONFIG_MAP_LIMIT_BYTES, CONFIG_MAP_METADATA_ROOM, DEFAULT_ADMIN_PORT, DEFAULT_CIRCUIT_BREAKERS, DEFAULT_CLIENT_SAMPLING_PERCENT, DEFAULT_ENVOY_HEALTH_PATH,
  DEFAULT_ENVOY_IMAGE, DEFAULT_LISTENER_PORT, DEFAULT_MIN_HEALTHY_PERCENT, DEFAULT_OUTLIER_DETECTION, DEFAULT_PROBE_PORT, DRAIN_PATH, ENVOY_CONFIG_FILE,
  MAX_UPSTREAMS_COMPACT, MAX_UPSTREAMS_INDENTED, SHUTDOWN_MARGIN_SECONDS,
} from './defaults';
import { FrontLoadBalancer, IpFamily, serviceIpFamilies } from './load-balancer';
import { FrontEnvoyProps } from './props';
import { checkHealthPath, checkPercent, checkPorts, checkProxyTracing, envoyConcurrency, resolveActiveHealthCheck, resolveDrain, resolveRoutes } from './routes';
import { EnvoyConfigError, validateEnvoyConfig } from './validate';

const CONFIG_DIR = '/etc/envoy';
/** The conventional pod annotations of a Prometheus scrape target (not Prometheus' own: its example kubernetes-pods job reads them). */
const PROMETHEUS_SCRAPE = 'prometheus.io/scrape';
const PROMETHEUS_PORT = 'prometheus.io/port';
const PROMETHEUS_PATH = 'prometheus.io/path';

/**
 * The product's front proxy: load balancer → Envoy → application pods.
 *
 * Generates the Envoy bootstrap (v3) into a ConfigMap, and the Envoy
 * Deployment, Service and disruption budget as an {@link ObservableService}.
 * The config is validated against Envoy's own API at synth.
 */
export class FrontEnvoy extends Construct {
  /** The Envoy workload (Deployment, Service, disruption budget). */
  public readonly proxy: ObservableService;
  /** The ConfigMap holding `envoy.json`, rendered from `config` at synth. */
  public readonly configMap: kplus.ConfigMap;
  /**
   * The bootstrap, as data: an escape hatch. It is rendered into the
   * ConfigMap (and its hash onto the pods) when the app synthesizes, so an
   * edit made after construction reaches the output and rolls the pods;
   * synth validates exactly the text written against Envoy's API.
   */
  public readonly config: JsonObject;
  /** The path Envoy answers for the load balancer. */
  public readonly healthPath: string;
  /** One entry per upstream cluster, as declared (read-only: edit `config` to change the output). */
  public readonly upstreams: UpstreamSpec[];
  /** The routed services, once each, in route order. */
  public readonly services: ObservableService[];
  /** External path of each routed HTTP service's `/healthz`, by service DNS name (read-only). */
  public readonly externalHealthPaths: Readonly<Record<string, string>>;
  /** Active health check timing (read-only). */
  public readonly activeHealthCheck: ActiveHealthCheckTiming;
  /** The tracing, if any. */
  public readonly tracing?: Tracing;
  /** What stands in front of the proxy. */
  public readonly loadBalancer: FrontLoadBalancer;
  /** The `service` tag of the proxy's own spans (its name), when it traces. */
  public readonly traceServiceName?: string;
  private readonly compact: boolean;
  /** The config's text and hash, once per settled synthesis for the check, the ConfigMap and the hash that rolls the pods. */
  private readonly rendering = new SettledRendering(this, 'envoy',
    () => (this.compact ? JSON.stringify(this.config) : `${JSON.stringify(this.config, null, 2)}\n`));

  constructor(scope: Construct, id: string, props: FrontEnvoyProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, { routes: ['array', 'route at least one path prefix to an ObservableService'] });
    props.routes.forEach((r, i) => checker.check(r?.service instanceof ObservableService, `routes[${i}].service`, () => `(${quote(r?.service)}) is not an ObservableService`, 'route to an ObservableService'));
    checker.throwIfAny();
    const name = props.name ?? id;
    const listenerPort = props.listenerPort ?? DEFAULT_LISTENER_PORT;
    const adminPort = props.adminPort ?? DEFAULT_ADMIN_PORT;
    const probePort = props.probePort ?? DEFAULT_PROBE_PORT;
    this.healthPath = props.healthCheck?.path ?? DEFAULT_ENVOY_HEALTH_PATH;
    this.tracing = props.tracing;
    this.compact = props.compactConfig ?? false;

    checkPorts(checker, { listenerPort, adminPort, probePort });
    const defaultMinHealthy = props.healthCheck?.minHealthyPercent ?? DEFAULT_MIN_HEALTHY_PERCENT;
    checkPercent(checker, 'healthCheck.minHealthyPercent', defaultMinHealthy);
    if (props.tracing) checkProxyTracing(checker, props.tracing, props.routes);
    this.activeHealthCheck = frozen(resolveActiveHealthCheck(checker, props.upstreamHealthCheck));
    const outlierDetection = { ...DEFAULT_OUTLIER_DETECTION, ...props.outlierDetection };
    const circuitBreakers = { ...DEFAULT_CIRCUIT_BREAKERS, ...props.circuitBreakers };
    for (const [key, value] of Object.entries({ ...circuitBreakers, consecutive5xx: outlierDetection.consecutive5xx })) {
      checker.check(Number.isInteger(value) && value >= 0, key in circuitBreakers ? `circuitBreakers.${key}` : `outlierDetection.${key}`, `(${value}) must be a whole number`, 'give a count');
    }
    checkPercent(checker, 'outlierDetection.maxEjectionPercent', outlierDetection.maxEjectionPercent);
    // Envoy requires both durations above zero (outlier_detection.proto: duration gt 0).
    for (const key of ['intervalMs', 'baseEjectionTimeMs'] as const) {
      checker.check(Number.isInteger(outlierDetection[key]) && outlierDetection[key] >= 1, `outlierDetection.${key}`, `(${outlierDetection[key]}) must be a whole number of milliseconds, at least 1`,
        `give a duration such as ${DEFAULT_OUTLIER_DETECTION[key]}`);
    }
    const loadBalancer = this.loadBalancer = props.loadBalancer ?? FrontLoadBalancer.none();
    checker.check(Number.isInteger(loadBalancer.trustedHops) && loadBalancer.trustedHops >= 0, 'loadBalancer.hops', `(${loadBalancer.trustedHops}) must be a whole number`,
      'count the layer-7 proxies in front of Envoy that append X-Forwarded-For (1 for an ALB)');
    checkMetadataMap(checker, 'loadBalancer.serviceAnnotations', loadBalancer.serviceAnnotations, 'annotations');
    const clientSampling = props.clientSamplingPercentage ?? DEFAULT_CLIENT_SAMPLING_PERCENT;
    checkPercent(checker, 'clientSamplingPercentage', clientSampling);
    const drain = resolveDrain(checker, props.shutdown);
    const ipFamily = props.ipFamily ?? IpFamily.IPV4;

    const resolved = resolveRoutes(checker, props.routes, defaultMinHealthy);
    this.upstreams = frozen(resolved.upstreams);
    this.services = frozenList([...new Set(props.routes.map((r) => r.service))]);
    this.externalHealthPaths = frozen(resolved.externalHealthPaths);
    checkHealthPath(checker, this.healthPath, props.routes, resolved.externalHealthPaths);
    (props.clientCidrs ?? []).forEach((cidr, i) => checkCidr(checker, `clientCidrs[${i}]`, cidr));
    // The proxy's Service takes this construct's name (its own problems are the proxy's to report).
    const proxyDnsName = resolveIdentity(this, new PropChecker(this), { name }).dnsName;
    props.routes.forEach((r, i) => checker.check(r.service.dnsName !== proxyDnsName, `routes[${i}].service`,
      `(${r.service.dnsName}) has the front proxy's own name: both would write the Service ${name}`, "give the FrontEnvoy a 'name' of its own"));
    checker.throwIfAny();

    // The drain route answers only the pre-stop hook's request, which carries this value: derived from
    // what the proxy routes, so it is stable across syntheses but not guessable from the proxy's name
    // alone (NetworkIsolation also closes the probe port to every pod).
    const drainToken = textHash(JSON.stringify({ name, namespace: Chart.of(this).namespace ?? 'default', routes: resolved.routes, upstreams: resolved.upstreams }));
    const spec: BootstrapSpec = {
      serviceName: name,
      listenerPort,
      adminPort,
      probePort,
      healthPath: this.healthPath,
      routes: resolved.routes,
      upstreams: resolved.upstreams,
      tracing: props.tracing,
      activeHealthCheck: this.activeHealthCheck,
      outlierDetection,
      circuitBreakers,
      xffNumTrustedHops: loadBalancer.trustedHops,
      clientSamplingPercent: clientSampling,
      ipFamily,
      drain: { path: DRAIN_PATH, deregistrationDelayMs: drain.deregistrationSeconds * 1000, drainTimeMs: drain.drainSeconds * 1000, token: drainToken },
    };
    this.config = bootstrap(spec);
    this.traceServiceName = props.tracing ? name : undefined;

    // Fail before any object is made: at hundreds of upstreams the config outgrows a ConfigMap.
    const sizeProblem = this.sizeProblem(this.configText);
    if (sizeProblem) checker.check(false, 'routes', sizeProblem.problem, sizeProblem.fix);
    checker.throwIfAny();

    // Envoy's own spans carry env, service and version like the services'.
    const image = props.image ?? DEFAULT_ENVOY_IMAGE;
    const parsedImage = parseImage(image);
    const version = props.version ?? (typeof parsedImage === 'string' ? 'latest' : imageVersion(parsedImage));
    const tagging = props.tracing ? proxyTracingFeature(props.tracing).bind({
      name, namespace: Chart.of(this).namespace ?? 'default', version, ports: [], checker, kubernetesVersion: KubernetesVersion.targetOf(this),
    }) : {};
    checker.throwIfAny();
    const drainSeconds = drain.deregistrationSeconds + drain.drainSeconds;

    // The workload's props are this construct's props (name, replicas, resources, image, ...).
    this.proxy = asOwnProps(this, () => new ObservableService(this, 'Proxy', {
      name,
      image,
      version: props.version,
      port: listenerPort,
      protocol: Protocol.HTTP,
      component: 'front-proxy',
      partOf: props.partOf,
      replicas: props.autoscaling || props.throughput ? props.replicas : props.replicas ?? 2,
      autoscaling: props.autoscaling,
      throughput: props.throughput,
      resources: props.resources,
      command: ['/usr/local/bin/envoy'],
      // Envoy starts one worker per CPU it sees, which is the node's, not the
      // container's: pin the workers to the CPU limit.
      args: [
        '--config-path', `${CONFIG_DIR}/${ENVOY_CONFIG_FILE}`, '--concurrency', String(envoyConcurrency(props.resources)), '--log-level', 'info',
        // The pre-stop hook drains the listeners for this long; `immediate` tells every client
        // at once (Connection: close, HTTP/2 GOAWAY) instead of over the window (operations/cli).
        '--drain-time-s', String(drain.drainSeconds), '--drain-strategy', 'immediate',
      ],
      env: Object.fromEntries(tagging.env ?? []),
      podLabels: tagging.podLabels,
      // The scrape annotations that the `kubernetes-pods` job of Prometheus' example config and the
      // Datadog agent's Prometheus autodiscovery (prometheusScrape) read: Envoy's statistics on the probe listener.
      podAnnotations: { [PROMETHEUS_SCRAPE]: 'true', [PROMETHEUS_PORT]: String(probePort), [PROMETHEUS_PATH]: METRICS_PATH },
      health: {
        // Served by the probe listener (see probeListener in bootstrap.ts); the
        // admin interface itself stays on loopback.
        endpoints: { live: DEFAULT_HTTP_HEALTH.live, ready: DEFAULT_HTTP_HEALTH.ready, healthz: this.healthPath },
        port: probePort,
      },
      serviceType: loadBalancer.serviceType,
      serviceAnnotations: { ...loadBalancer.annotationsFor(this.healthPath, drainSeconds, ipFamily), ...props.serviceAnnotations },
      // Envoy exits at once on SIGTERM: the pre-stop hook holds it back until the proxy has drained.
      shutdown: {
        action: PreStopAction.httpGet(DRAIN_PATH, probePort, { [DRAIN_TOKEN_HEADER]: drainToken }),
        delay: Duration.seconds(drainSeconds),
        drainTime: Duration.seconds(SHUTDOWN_MARGIN_SECONDS),
      },
      nodeGroup: props.nodeGroup,
      topologySpread: props.topologySpread,
      // The proxy calls the routed services.
      dependsOn: [...this.services],
    }));
    const families = serviceIpFamilies(ipFamily);
    if (families) {
      ApiObject.of(this.proxy.service).addJsonPatch(JsonPatch.add('/spec/ipFamilyPolicy', families.ipFamilyPolicy), JsonPatch.add('/spec/ipFamilies', families.ipFamilies));
    }
    // The load balancer reaches the listener; Envoy sends its own spans.
    const network = networkOf(this.proxy)!;
    network.external = { cidrs: props.clientCidrs ? [...props.clientCidrs] : undefined, port: listenerPort, purpose: 'load balancer' };
    // Envoy's statistics, on the probe port (GET /stats/prometheus), for the scraper the isolation admits.
    network.metricsPort = probePort;
    const { collectorHost, collectorPort } = props.tracing ?? {};
    if (collectorHost !== undefined && collectorPort !== undefined) network.calls.push({ host: collectorHost, port: collectorPort, purpose: 'traces', prop: 'tracing', owner: this });
    const file = new RenderedConfigFile(this, {
      configMapName: `${name}-envoy-config`,
      namespace: this.proxy.namespace,
      labels: this.proxy.labels,
      fileName: ENVOY_CONFIG_FILE,
      mountPath: CONFIG_DIR,
      volumeName: 'envoy-config',
      render: () => this.configText,
      hash: () => this.rendering.hash(),
    });
    this.configMap = file.configMap;
    file.mountOn(this.proxy.deployment);

    // Last, after the app's own validations: one that edits `config` is checked and written as edited.
    addValidationLast(this, () => this.validateConfig());
  }

  /**
   * The bootstrap as written to the ConfigMap, rendered from `config` now
   * (during a synthesis, once the app's own validations have run, once for
   * that synthesis): JSON, which Envoy reads by the `.json` extension, ten
   * times faster to write and to read back than YAML at hundreds of upstreams.
   */
  public get configText(): string {
    return this.rendering.text();
  }

  /**
   * Checks the text synth writes against Envoy's API and the ConfigMap size
   * limit; returns the problems. Run at synth, once per synthesis.
   */
  public validateConfig(): string[] {
    const text = this.configText;
    return oncePerSynthesis(this, `envoy:${this.node.path}:${this.rendering.hash(text)}`, () => {
      const problems: string[] = [];
      // The config itself, read as its text reads back (the validator's JSON view): no parse of the text.
      const issues = validateEnvoyConfig(this.config);
      if (issues.length > 0) problems.push(new EnvoyConfigError(issues, this.node.path).message);
      const size = this.sizeProblem(text);
      if (size) problems.push(`${this.node.path}: ${size.problem}. Fix: ${size.fix}`);
      return problems;
    });
  }

  /** Whether the config text outgrows one ConfigMap, and the remedy. */
  private sizeProblem(text: string): { problem: string; fix: string } | undefined {
    const bytes = Buffer.byteLength(text);
    if (bytes <= CONFIG_MAP_LIMIT_BYTES - CONFIG_MAP_METADATA_ROOM) return undefined;
    return {
      problem: `make an Envoy config of ${bytes} bytes for ${this.upstreams.length} upstreams, over what one ConfigMap holds (1 MiB, less room for metadata)`,
      fix: `split the routes across several FrontEnvoy constructs (one per product area; about ${MAX_UPSTREAMS_INDENTED} upstreams fit in indented JSON)`
        + `${this.compact ? '' : `, or set compactConfig: true (about ${MAX_UPSTREAMS_COMPACT} fit)`}`,
    };
  }
}
