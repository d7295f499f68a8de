/**
 * The front proxy's props turned into routes and upstream clusters, and the
 * checks that keep them working: the health contract's paths, the trace
 * context the proxy writes and its services read, the ports.
 * @internal
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PropChecker, quote } from '../common/errors';
import { cpuMillis, proxyConcurrency } from '../common/quantities';
import { urlPathError } from '../common/text';
import { DEFAULT_HTTP_HEALTH } from '../service/health';
import { ObservableService } from '../service/observable-service';
import { Protocol } from '../service/protocol';
import { Tracing, TracingProvider } from '../telemetry/tracing';
import { checkTracing } from '../telemetry/tracing-feature';
import { DEFAULT_RESOURCES } from '../workload/resources';
import { ActiveHealthCheckTiming, RouteMatchSpec, RouteSpec, UpstreamSpec } from './bootstrap';
import {
  DEFAULT_ACTIVE_HEALTH_CHECK, DEFAULT_DEREGISTRATION_DELAY, DEFAULT_DRAIN_TIME, DEFAULT_ENVOY_HEALTH_PATH, DEFAULT_NUM_RETRIES, DEFAULT_RETRY_ON,
  DEFAULT_ROUTE_TIMEOUT, MAX_NUM_RETRIES,
} from './defaults';
import { FrontEnvoyRoute, FrontEnvoyShutdownProps, UpstreamHealthCheckProps } from './props';

/**
 * The proxy sends spans over the network, so the Datadog agent must be its
 * ClusterIP Service (its static config cannot read the node IP), and the services behind it must read the
 * trace context the proxy writes, or every trace breaks at the proxy.
 */
export function checkProxyTracing(checker: PropChecker, tracing: Tracing, routes: FrontEnvoyRoute[]): void {
  if (!checkTracing(checker, tracing)) return;
  if (tracing.provider === TracingProvider.DATADOG) {
    const mode = tracing.datadogAgent?.mode;
    checker.check(mode === 'cluster-service', 'tracing.agent', `(${mode}) cannot be used by Envoy: its static config cannot read the node IP from the environment, and a ConfigMap cannot take Downward API values`,
      "give the front proxy Tracing.datadog({ agent: DatadogAgent.clusterService() }); the services may still use the host IP or the socket");
  }
  const written = tracing.proxyPropagation;
  const seen = new Set<ObservableService>();
  routes.forEach((r, i) => {
    const serviceTracing = r.service.tracing;
    if (!serviceTracing || seen.has(r.service)) return;
    seen.add(r.service);
    checker.check(serviceTracing.servicePropagation.includes(written), `routes[${i}].service`,
      `(${r.service.dnsName}) reads ${serviceTracing.servicePropagation.join(' and ')} trace context, but the front proxy writes ${written} headers: every trace would break at the proxy`,
      tracing.provider === TracingProvider.DATADOG
        ? 'trace the service with Tracing.datadog too, or the proxy with Tracing.openTelemetry (Datadog services also read W3C tracecontext)'
        : 'trace the service with Tracing.openTelemetry or Tracing.datadog (both read W3C tracecontext)');
  });
}

/** Worker threads: the CPU limit in whole cores, at least one. */
export function envoyConcurrency(resources: kplus.ContainerResources | undefined): number {
  return proxyConcurrency(cpuMillis(resources?.cpu?.limit ?? DEFAULT_RESOURCES.cpu.limit));
}

export function joinPath(prefix: string, path: string): string {
  return `${prefix.replace(/\/+$/, '')}${path}`;
}

/**
 * The Envoy cluster of a service: `<name>_<namespace>`, unique since neither
 * part holds a '_'. No '.': Envoy's tag extraction takes the cluster name in
 * `cluster.<name>.<stat>` up to the first dot (envoyproxy/envoy
 * source/common/config/well_known_names.cc, `^cluster\.((.*?)\.)`), so a dotted
 * name would split into a wrong `envoy_cluster_name` and a stat name per namespace.
 */
export function clusterName(service: ObservableService): string {
  return `${service.name}_${service.namespace}`;
}

export function checkPorts(checker: PropChecker, ports: Record<string, number>): void {
  for (const [prop, port] of Object.entries(ports)) {
    checker.check(Number.isInteger(port) && port >= 1 && port <= 65535, prop, `(${port}) must be a whole number from 1 to 65535`, 'choose an unprivileged port such as 8080');
  }
  checker.check(new Set(Object.values(ports)).size === Object.keys(ports).length, 'listenerPort', `, adminPort and probePort must differ; got ${Object.values(ports).join(', ')}`, 'give each its own port');
}

export function checkPercent(checker: PropChecker, prop: string, value: number): void {
  checker.check(Number.isFinite(value) && value >= 0 && value <= 100, prop, `(${value}) must be a percentage from 0 to 100`, 'give a share such as 25');
}

export function resolveActiveHealthCheck(checker: PropChecker, props: UpstreamHealthCheckProps = {}): ActiveHealthCheckTiming {
  const ms = (prop: keyof UpstreamHealthCheckProps, fallback: number, min: number): number => {
    const value = props[prop];
    if (value === undefined) return fallback;
    const millis = (value as Duration).toMilliseconds();
    checker.check(Number.isInteger(millis) && millis >= min, `upstreamHealthCheck.${prop}`, `(${millis} ms) must be at least ${min} ms`, 'give a longer duration');
    return millis;
  };
  const d = DEFAULT_ACTIVE_HEALTH_CHECK;
  const timing: ActiveHealthCheckTiming = {
    intervalMs: ms('interval', d.intervalMs, 1),
    timeoutMs: ms('timeout', d.timeoutMs, 1),
    intervalJitterMs: ms('intervalJitter', d.intervalJitterMs, 0),
    initialJitterMs: ms('initialJitter', d.initialJitterMs, 0),
    unhealthyThreshold: props.unhealthyThreshold ?? d.unhealthyThreshold,
    healthyThreshold: props.healthyThreshold ?? d.healthyThreshold,
    noTrafficIntervalMs: ms('noTrafficInterval', d.noTrafficIntervalMs, 1),
  };
  checker.check(timing.timeoutMs <= timing.intervalMs, 'upstreamHealthCheck.timeout', `(${timing.timeoutMs} ms) is longer than the interval (${timing.intervalMs} ms)`, 'lower the timeout or raise the interval');
  checker.check(timing.intervalJitterMs < timing.intervalMs, 'upstreamHealthCheck.intervalJitter', `(${timing.intervalJitterMs} ms) must be shorter than the interval (${timing.intervalMs} ms)`, 'use about a fifth of the interval');
  for (const key of ['unhealthyThreshold', 'healthyThreshold'] as const) {
    checker.check(Number.isInteger(timing[key]) && timing[key] >= 1, `upstreamHealthCheck.${key}`, `(${timing[key]}) must be a whole number of at least 1`, 'use 2 or 3');
  }
  return timing;
}

/** The longest health check path of an AWS target group (ELBv2 API reference, TargetGroup HealthCheckPath: 1 to 1024 characters). */
const MAX_LB_HEALTH_CHECK_PATH = 1024;

export interface ResolvedRoutes {
  readonly routes: RouteSpec[];
  readonly upstreams: UpstreamSpec[];
  readonly externalHealthPaths: Record<string, string>;
}

/**
 * Routes and clusters. Each HTTP service reached by a prefix gets an exact
 * route for its external health path (`<prefix>/healthz`, rewritten to the
 * application's `/healthz`), ahead of the other routes, so external
 * monitoring reaches the application through the proxy.
 */
export function resolveRoutes(checker: PropChecker, routes: FrontEnvoyRoute[], defaultMinHealthy: number): ResolvedRoutes {
  checker.check(routes.length > 0, 'routes', 'is empty', 'route at least one path prefix to an ObservableService');
  const upstreams = new Map<string, UpstreamSpec>();
  const privateRoutes = new Map<string, RouteSpec>();
  const healthRoutes: RouteSpec[] = [];
  const userRoutes: RouteSpec[] = [];
  const externalHealthPaths: Record<string, string> = {};
  /** The service whose external health path each path is (the inverse of externalHealthPaths). */
  const healthPathOwners = new Map<string, string>();
  const seenMatches = new Set<string>();
  // The first route with each prefix, to find the earliest prefix that shadows a route without a scan per route.
  const firstWithPrefix = new Map<string, number>();
  routes.forEach((r, i) => {
    if (r.path === undefined && !firstWithPrefix.has(r.prefix ?? '/')) firstWithPrefix.set(r.prefix ?? '/', i);
  });
  const prefixLengths = [...new Set([...firstWithPrefix.keys()].map((p) => p.length))].sort((a, b) => a - b);
  routes.forEach((r, i) => {
    const prop = `routes[${i}]`;
    const service = r.service;
    const cluster = clusterName(service);
    const minHealthy = r.minHealthyPercent ?? defaultMinHealthy;
    checkPercent(checker, `${prop}.minHealthyPercent`, minHealthy);
    const previous = upstreams.get(cluster);
    if (previous && previous.minHealthyPercent !== minHealthy) {
      checker.check(false, `${prop}.minHealthyPercent`, `(${minHealthy}) differs from an earlier route to the same service (${previous.minHealthyPercent})`, 'give one value per service');
    }
    upstreams.set(cluster, {
      cluster,
      host: service.dnsName,
      port: service.port,
      http2: service.protocol.http2,
      headless: service.headless,
      healthCheck: service.protocol === Protocol.GRPC ? { grpcService: service.health.ready } : { httpPath: service.health.ready },
      minHealthyPercent: minHealthy,
    });

    if (!checker.check(r.prefix === undefined || r.path === undefined, prop, 'has both prefix and path', 'give one of them')) return;
    const match: { path: string } | { prefix: string } = r.path !== undefined ? { path: r.path } : { prefix: r.prefix ?? '/' };
    const value = 'path' in match ? match.path : match.prefix;
    // Matched against the request's path, which holds URL path characters only: anything else never matches.
    const pathProblem = urlPathError(value);
    if (!checker.check(pathProblem === undefined, `${prop}.${'path' in match ? 'path' : 'prefix'}`, pathProblem ?? '', "use an absolute path such as '/api/'")) return;
    const key = JSON.stringify(match);
    checker.check(!seenMatches.has(key), prop, `repeats the match ${key} of an earlier route`, 'remove one of the two routes');
    // The probe endpoints are for the kubelet and the proxy's own checks: a route that would
    // forward a caller to one gets a 404 from Envoy first (only /healthz is for outside callers).
    if (service.protocol === Protocol.HTTP && service.health.port === service.port) {
      for (const probe of [service.health.live, service.health.ready]) {
        if ('path' in match) {
          checker.check(match.path !== probe, `${prop}.path`, () => `(${quote(probe)}) is a probe endpoint of ${service.dnsName}, which stays private`, `route its external health path '${service.health.healthz}' instead`);
        } else if (probe.toLowerCase().startsWith(match.prefix.toLowerCase())) {
          const block = privateMatch(probe);
          privateRoutes.set(JSON.stringify(block), { match: block, directStatus: 404, anyCase: true });
        }
      }
    }
    const shadowedBy = earliestShadowing(firstWithPrefix, prefixLengths, value, i);
    checker.check(seenMatches.has(key) || !shadowedBy, prop, () => `(${quote(value)}) is never reached: the earlier prefix ${quote(shadowedBy?.prefix ?? '/')} matches it first`,
      'list more specific routes before less specific ones');
    seenMatches.add(key);

    const timeoutMs = (r.timeout ?? DEFAULT_ROUTE_TIMEOUT).toMilliseconds();
    checker.check(timeoutMs >= 1, `${prop}.timeout`, 'must be positive', 'give the longest time a request may take');
    const numRetries = r.retries?.numRetries ?? DEFAULT_NUM_RETRIES;
    checker.check(Number.isInteger(numRetries) && numRetries >= 0 && numRetries <= MAX_NUM_RETRIES, `${prop}.retries.numRetries`, `(${numRetries}) must be a whole number from 0 to ${MAX_NUM_RETRIES}`,
      'retries multiply the load on a struggling upstream: keep them few');
    const perTryTimeoutMs = r.retries?.perTryTimeout?.toMilliseconds();
    if (perTryTimeoutMs !== undefined) {
      checker.check(perTryTimeoutMs >= 1 && perTryTimeoutMs <= timeoutMs, `${prop}.retries.perTryTimeout`, `(${perTryTimeoutMs} ms) must be positive and not above the route timeout (${timeoutMs} ms)`, 'lower it');
    }
    const retryOn = r.retries?.retryOn ?? (service.protocol === Protocol.GRPC ? [...DEFAULT_RETRY_ON, 'unavailable'] : DEFAULT_RETRY_ON);
    checker.check(retryOn.length > 0 && retryOn.every((c) => /^[a-z0-9-]+$/.test(c)), `${prop}.retries.retryOn`, `(${retryOn.map(quote).join(', ')}) must be Envoy retry_on conditions`, "use conditions such as '5xx', 'reset', 'connect-failure'");
    userRoutes.push({
      match,
      cluster,
      timeoutMs,
      retry: numRetries > 0 ? { retryOn: retryOn.join(','), numRetries, perTryTimeoutMs } : undefined,
    });

    if ('prefix' in match && service.protocol === Protocol.HTTP) {
      const external = joinPath(match.prefix, service.health.healthz);
      const owner = healthPathOwners.get(external);
      if (owner !== undefined && owner !== service.dnsName) {
        checker.check(false, prop, `makes ${quote(external)} the external health path of both ${owner} and ${service.dnsName}`, 'route the services under distinct prefixes');
      } else if (owner === undefined) {
        const replaced = externalHealthPaths[service.dnsName];
        if (replaced !== undefined) healthPathOwners.delete(replaced);
        externalHealthPaths[service.dnsName] = external;
        healthPathOwners.set(external, service.dnsName);
        healthRoutes.push({
          match: { path: external },
          cluster,
          timeoutMs: 5000,
          prefixRewrite: external === service.health.healthz ? undefined : service.health.healthz,
        });
      }
    }
  });
  return { routes: [...privateRoutes.values(), ...healthRoutes, ...userRoutes], upstreams: [...upstreams.values()], externalHealthPaths };
}

/**
 * The earliest route before `before` whose prefix `value` starts with, from
 * the first route of each prefix: `value`'s own prefixes are looked up, of
 * the lengths routes' prefixes have (`prefixLengths`, ascending), so a long
 * path costs the prefixes there are, not one look-up per character of it.
 */
function earliestShadowing(firstWithPrefix: ReadonlyMap<string, number>, prefixLengths: readonly number[], value: string, before: number): { prefix: string } | undefined {
  let earliest: { prefix: string; index: number } | undefined;
  for (const length of prefixLengths) {
    if (length > value.length) break;
    const prefix = value.slice(0, length);
    const index = firstWithPrefix.get(prefix);
    if (index !== undefined && index < before && (earliest === undefined || index < earliest.index)) earliest = { prefix, index };
  }
  return earliest;
}

/**
 * The match that keeps a probe path private: the path and anything under it
 * (`path_separated_prefix`, so `/live/` is covered too; its pattern takes no
 * trailing slash), or exactly the path when it ends with one.
 */
function privateMatch(path: string): RouteMatchSpec {
  return path.endsWith('/') ? { path } : { path_separated_prefix: path };
}

/**
 * Envoy's health path must not be an application health path, nor a path
 * that routes to one: the health check filter runs before the router, so
 * Envoy would answer in the application's place.
 */
export function checkHealthPath(checker: PropChecker, healthPath: string, routes: FrontEnvoyRoute[], externalHealthPaths: Record<string, string>): void {
  const pathProblem = urlPathError(healthPath) ?? (healthPath.length > MAX_LB_HEALTH_CHECK_PATH ? `is ${healthPath.length} characters long; a load balancer's health check path takes at most ${MAX_LB_HEALTH_CHECK_PATH}` : undefined);
  if (!checker.check(pathProblem === undefined, 'healthCheck.path', pathProblem ?? '', `use '${DEFAULT_ENVOY_HEALTH_PATH}'`)) return;
  // The first reason found for a path is the one reported.
  const reserved = new Map<string, string>();
  const reserve = (path: string, why: string) => {
    if (!reserved.has(path)) reserved.set(path, why);
  };
  for (const [dns, path] of Object.entries(externalHealthPaths)) reserve(path, `the external health path of ${dns}`);
  for (const r of routes) {
    const s = r.service;
    if (s.protocol !== Protocol.HTTP) continue;
    for (const endpoint of [s.health.live, s.health.ready, s.health.healthz]) {
      reserve(endpoint, `a health endpoint of ${s.dnsName}`);
      if (r.path === undefined) reserve(joinPath(r.prefix ?? '/', endpoint), `the path routed to ${s.dnsName}'s ${endpoint}`);
    }
  }
  for (const path of Object.values(DEFAULT_HTTP_HEALTH)) reserve(path, 'a standard application health path');
  const clash = reserved.get(healthPath);
  checker.check(clash === undefined, 'healthCheck.path', () => `(${quote(healthPath)}) is ${clash}; Envoy would answer it and external monitoring would never reach the application (the health check filter answers before the router: envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/health_check_filter)`,
    `use a path of Envoy's own, such as '${DEFAULT_ENVOY_HEALTH_PATH}'`);
}

/** The proxy's drain, in whole seconds. */
export interface ResolvedDrain {
  readonly deregistrationSeconds: number;
  readonly drainSeconds: number;
}

/** Checks the shutdown props: whole seconds, the deregistration delay above zero (a fault delay must be, FaultDelay.fixed_delay gt 0). */
export function resolveDrain(checker: PropChecker, props: FrontEnvoyShutdownProps = {}): ResolvedDrain {
  const seconds = (prop: keyof FrontEnvoyShutdownProps, fallback: Duration) => {
    const ms = (props[prop] ?? fallback).toMilliseconds();
    checker.check(Number.isInteger(ms) && ms % 1000 === 0 && ms >= 1000, `shutdown.${prop}`, `(${ms} ms) must be whole seconds, at least 1`, `give Duration.seconds(n), such as ${fallback.toSeconds()}`);
    return Math.round(ms / 1000);
  };
  return { deregistrationSeconds: seconds('deregistrationDelay', DEFAULT_DEREGISTRATION_DELAY), drainSeconds: seconds('drainTime', DEFAULT_DRAIN_TIME) };
}
