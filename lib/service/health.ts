import { Duration } from 'cdk8s';
import { Probe } from 'cdk8s-plus-27';
import { PropChecker, quote } from '../common/errors';
import { urlPathError } from '../common/text';
import { Protocol } from './protocol';

/**
 * The three health endpoints of the health contract. For HTTP they are
 * URL paths; for gRPC they are service names of the gRPC health checking
 * protocol (`grpc.health.v1.Health/Check`).
 */
export interface HealthEndpoints {
  /**
   * Liveness: "can the process serve at all". Checks no dependency, so a
   * database outage does not restart every healthy pod.
   * @default '/live' (HTTP), 'liveness' (gRPC)
   */
  readonly live?: string;
  /**
   * Readiness: "can this pod serve traffic now", including the database and
   * other critical dependencies. Used by the kubelet's readiness probe, the
   * front proxy's active health checks and the load balancer.
   * @default '/ready' (HTTP), 'readiness' (gRPC)
   */
  readonly ready?: string;
  /**
   * Product health for callers outside the product and external monitoring.
   * Routed through the front proxy to the application, never answered by the
   * proxy itself. Not probed by the kubelet.
   * @default '/healthz' (HTTP), '' (gRPC: the server's overall status)
   */
  readonly healthz?: string;
}

/** The standard paths of the health contract. */
export const DEFAULT_HTTP_HEALTH = { live: '/live', ready: '/ready', healthz: '/healthz' } as const;
/**
 * gRPC health service names. '' is the health protocol's name for the whole
 * server, which is what external gRPC monitors (grpc_health_probe) ask by default.
 */
export const DEFAULT_GRPC_HEALTH = { live: 'liveness', ready: 'readiness', healthz: '' } as const;

/** Timing of one kubelet probe. */
export interface ProbeTiming {
  /** How often the kubelet probes. Whole seconds. */
  readonly period?: Duration;
  /** How long one probe may take. Whole seconds, not above `period`. */
  readonly timeout?: Duration;
  /** Consecutive failures before the kubelet acts. */
  readonly failureThreshold?: number;
}

/** A probe's timing as the manifest carries it. */
export interface ProbeSettings {
  /** How often the kubelet probes, in seconds. */
  readonly periodSeconds: number;
  /** How long one probe may take, in seconds. */
  readonly timeoutSeconds: number;
  /** Consecutive failures before the kubelet acts. */
  readonly failureThreshold: number;
  /** Seconds before the first probe, when a fixed delay replaces the startup probe. */
  readonly initialDelaySeconds?: number;
}

/** Liveness: restart after 30 s of failure (3 × 10 s). */
export const DEFAULT_LIVENESS: ProbeSettings = { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 };
/** Readiness: out of the endpoints after 15 s of failure (3 × 5 s), before liveness acts. */
export const DEFAULT_READINESS: ProbeSettings = { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 };
/** Default time a process may take to start serving its liveness endpoint. */
export const DEFAULT_MAX_STARTUP = Duration.minutes(2);
const DEFAULT_STARTUP_PERIOD_SECONDS = 5;

/** Options of {@link Startup.probe}. */
export interface StartupProbeOptions {
  /**
   * How long the process may take to start serving its liveness endpoint.
   * @default 2 minutes
   */
  readonly maxStartupTime?: Duration;
  /**
   * How often the startup probe asks.
   * @default 5 seconds
   */
  readonly period?: Duration;
}

/**
 * How a slow start is protected from the liveness probe.
 *
 * A startup probe is the better tool: liveness starts as soon as the app is
 * up, instead of after a fixed delay tuned for the slowest start.
 */
export class Startup {
  /**
   * A startup probe on the liveness endpoint that allows up to `maxStartupTime`;
   * liveness and readiness begin once it passes.
   */
  public static probe(options: StartupProbeOptions = {}): Startup {
    return new Startup('probe', options.maxStartupTime ?? DEFAULT_MAX_STARTUP, options.period ?? Duration.seconds(DEFAULT_STARTUP_PERIOD_SECONDS));
  }

  /** No startup probe: liveness and readiness wait a fixed `delay` instead. */
  public static initialDelay(delay: Duration): Startup {
    return new Startup('delay', delay, undefined);
  }

  private constructor(
    /** Which mechanism. */
    public readonly kind: 'probe' | 'delay',
    /** The startup allowance (probe) or the fixed delay (delay). */
    public readonly duration: Duration,
    /** The startup probe's period, for `probe`. */
    public readonly period: Duration | undefined,
  ) {}
}

/** Health props of an `ObservableService`. */
export interface HealthProps {
  /**
   * The three endpoints. For HTTP, paths; for gRPC, health service names.
   * @default '/live', '/ready', '/healthz' for HTTP; 'liveness', 'readiness', '' for gRPC
   */
  readonly endpoints?: HealthEndpoints;
  /**
   * Liveness probe timing.
   * @default - every 10 s, 2 s timeout, 3 failures
   */
  readonly liveness?: ProbeTiming;
  /**
   * Readiness probe timing.
   * @default - every 5 s, 2 s timeout, 3 failures
   */
  readonly readiness?: ProbeTiming;
  /**
   * Protection of a slow start.
   * @default Startup.probe() - a startup probe on the liveness endpoint allowing 2 minutes
   */
  readonly startup?: Startup;
  /**
   * The port the kubelet probes, when the application serves its health
   * endpoints on a port of their own. It is declared on the container (named
   * `health`) but not exposed on the Service.
   * @default - the service's port
   */
  readonly port?: number;
}

/** The resolved health contract of a service: what later constructs and rules read. */
export interface HealthContract {
  /** The protocol the endpoints belong to. */
  readonly protocol: Protocol;
  /** Liveness endpoint (path or gRPC service name). */
  readonly live: string;
  /** Readiness endpoint (path or gRPC service name). */
  readonly ready: string;
  /** External health endpoint (path or gRPC service name). */
  readonly healthz: string;
  /** Liveness probe timing. */
  readonly liveness: ProbeSettings;
  /** Readiness probe timing. */
  readonly readiness: ProbeSettings;
  /** Startup probe timing, when a startup probe is used. */
  readonly startup?: ProbeSettings;
  /** The port the probes go to. */
  readonly port: number;
}

/** Resolves and checks the health props; problems go to `checker`. */
export function resolveHealth(checker: PropChecker, protocol: Protocol, servicePort: number, props: HealthProps = {}): HealthContract {
  const defaults = protocol === Protocol.GRPC ? DEFAULT_GRPC_HEALTH : DEFAULT_HTTP_HEALTH;
  const endpoints = {
    live: props.endpoints?.live ?? defaults.live,
    ready: props.endpoints?.ready ?? defaults.ready,
    healthz: props.endpoints?.healthz ?? defaults.healthz,
  };
  for (const [key, value] of Object.entries(endpoints)) {
    const prop = `health.endpoints.${key}`;
    const example = defaults[key as keyof typeof defaults];
    if (protocol === Protocol.HTTP) {
      // The kubelet requests the path, Envoy matches and rewrites it, the load balancer may check it.
      const problem = urlPathError(value);
      checker.check(problem === undefined, prop, problem ?? '', `use an absolute path such as '${example}'`);
    } else {
      // A gRPC health service name: a fully qualified service name ('' for the whole server), as grpc.health.v1.HealthCheckRequest carries it.
      checker.check(typeof value === 'string' && /^[A-Za-z0-9_./-]*$/.test(value), prop, () => `(${quote(value)}) must be a gRPC health service name: letters, digits, '_', '.', '/' and '-'`,
        `use a name such as '${example}'`);
    }
  }
  const distinct = new Set(Object.values(endpoints)).size === 3;
  checker.check(distinct, 'health.endpoints', () => `must be three distinct endpoints; got live=${quote(endpoints.live)}, ready=${quote(endpoints.ready)}, healthz=${quote(endpoints.healthz)}`,
    'give liveness, readiness and external health their own endpoints: a liveness check that tests dependencies restarts healthy pods, and external monitoring must reach the app');

  const startup = props.startup ?? Startup.probe();
  const delay = startup.kind === 'delay' ? wholeSeconds(checker, 'health.startup', startup.duration, 0) : undefined;
  const liveness = resolveTiming(checker, 'health.liveness', props.liveness, DEFAULT_LIVENESS, delay);
  const readiness = resolveTiming(checker, 'health.readiness', props.readiness, DEFAULT_READINESS, delay);
  let startupSettings: ProbeSettings | undefined;
  if (startup.kind === 'probe') {
    const period = wholeSeconds(checker, 'health.startup.period', startup.period!, 1);
    const allowance = wholeSeconds(checker, 'health.startup.maxStartupTime', startup.duration, 1);
    startupSettings = {
      periodSeconds: period,
      timeoutSeconds: Math.min(liveness.timeoutSeconds, period),
      failureThreshold: Math.max(1, Math.ceil(allowance / period)),
    };
  }
  const port = props.port ?? servicePort;
  if (props.port !== undefined) {
    checker.check(Number.isInteger(port) && port >= 1 && port <= 65535 && port !== servicePort, 'health.port', `(${port}) must be a port from 1 to 65535 other than the service port`,
      "give the port the health endpoints listen on, or leave 'health.port' out to probe the service port");
  }
  return { protocol, ...endpoints, liveness, readiness, startup: startupSettings, port };
}

function resolveTiming(checker: PropChecker, prop: string, timing: ProbeTiming | undefined, defaults: ProbeSettings, delay: number | undefined): ProbeSettings {
  const periodSeconds = timing?.period ? wholeSeconds(checker, `${prop}.period`, timing.period, 1) : defaults.periodSeconds;
  const timeoutSeconds = timing?.timeout ? wholeSeconds(checker, `${prop}.timeout`, timing.timeout, 1) : defaults.timeoutSeconds;
  const failureThreshold = timing?.failureThreshold ?? defaults.failureThreshold;
  checker.check(Number.isInteger(failureThreshold) && failureThreshold >= 1, `${prop}.failureThreshold`, `(${failureThreshold}) must be a whole number of at least 1`, 'use 3 unless you have measured a reason for another value');
  checker.check(timeoutSeconds <= periodSeconds, `${prop}.timeout`, `(${timeoutSeconds}s) is longer than the period (${periodSeconds}s), so probes would overlap`,
    `lower the timeout or raise '${prop}.period'`);
  return delay ? { periodSeconds, timeoutSeconds, failureThreshold, initialDelaySeconds: delay } : { periodSeconds, timeoutSeconds, failureThreshold };
}

function wholeSeconds(checker: PropChecker, prop: string, duration: Duration, min: number): number {
  const millis = duration.toMilliseconds();
  checker.check(millis % 1000 === 0 && millis >= min * 1000, prop, `(${millis} ms) must be a whole number of seconds, at least ${min}`, 'Kubernetes probes count in whole seconds: use Duration.seconds(n)');
  return Math.round(millis / 1000);
}

/** The contract's probes for an HTTP service, as cdk8s-plus probes. */
export function httpProbes(contract: HealthContract): { liveness: Probe; readiness: Probe; startup?: Probe } {
  const probe = (path: string, settings: ProbeSettings) => Probe.fromHttpGet(path, {
    port: contract.port,
    periodSeconds: Duration.seconds(settings.periodSeconds),
    timeoutSeconds: Duration.seconds(settings.timeoutSeconds),
    failureThreshold: settings.failureThreshold,
    initialDelaySeconds: settings.initialDelaySeconds === undefined ? undefined : Duration.seconds(settings.initialDelaySeconds),
  });
  return {
    liveness: probe(contract.live, contract.liveness),
    readiness: probe(contract.ready, contract.readiness),
    startup: contract.startup ? probe(contract.live, contract.startup) : undefined,
  };
}

/**
 * A native gRPC probe (core/v1 Probe with GRPCAction `port`, `service`; GA in
 * Kubernetes 1.27). cdk8s-plus-27 has no `Probe.fromGrpc`, so this is plain JSON
 * for a JSON patch.
 */
export function grpcProbe(service: string, port: number, settings: ProbeSettings): Record<string, unknown> {
  return { grpc: { port, service }, ...settings };
}
