/**
 * Graceful shutdown: no request dropped on a rollout or a node drain.
 *
 * When a pod is deleted, its removal from the Service's endpoints reaches
 * kube-proxy, ingress controllers, Envoys and cloud load balancers over the
 * next seconds, while they keep sending to it; the kubelet meanwhile runs
 * the pre-stop hook and only then sends SIGTERM
 * (kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination).
 * A pre-stop delay keeps the process serving until the removal has
 * propagated; the grace period covers the delay plus the application's own
 * shutdown after SIGTERM, after which the kubelet kills it.
 */
import * as path from 'path';
import { Duration } from 'cdk8s';
import { quote } from '../common/errors';
import { KubernetesVersion } from '../common/kubernetes-version';
import { headerValueError, urlPathError } from '../common/text';
import { IPodFeature, PodContext, PodFeatureBinding } from './pod-feature';

/**
 * The pre-stop `sleep` action is run by the kubelet, so it works with any
 * image, distroless included; beta and on by default from Kubernetes 1.30,
 * GA in 1.34 (feature gate PodLifecycleSleepAction, KEP-3960). Its seconds
 * may not exceed the grace period (core validation, validateSleepAction).
 */
export const SLEEP_ACTION_SINCE = KubernetesVersion.V1_30;

/** Default pre-stop delay: a few kube-proxy and load balancer updates. */
export const DEFAULT_SHUTDOWN_DELAY = Duration.seconds(10);
/** Default time the application has after SIGTERM; with the delay, Kubernetes' own default grace period of 30 s. */
export const DEFAULT_SHUTDOWN_DRAIN_TIME = Duration.seconds(20);

/** Which pre-stop action a container has. */
export enum PreStopActionKind {
  /** The kubelet's `sleep` action. */
  SLEEP = 'sleep',
  /** A `sleep` binary run in the container. */
  EXEC = 'exec',
  /** An HTTP GET to the application. */
  HTTP = 'http',
  /** None. */
  NONE = 'none',
}

/** How the container waits before it is signalled to stop. */
export class PreStopAction {
  /** The kubelet's `sleep` action (Kubernetes 1.30+): works with any image. */
  public static sleep(): PreStopAction {
    return new PreStopAction(PreStopActionKind.SLEEP, undefined, undefined, undefined, {});
  }

  /** Runs the image's own sleep binary (not in distroless images). */
  public static execSleep(binary: string = '/bin/sleep'): PreStopAction {
    return new PreStopAction(PreStopActionKind.EXEC, binary, undefined, undefined, {});
  }

  /**
   * An HTTP GET to the application, which answers after the delay (the
   * application implements the wait), on `port` (default: the container's
   * first port), with `headers`.
   */
  public static httpGet(path: string, port?: number, headers: { readonly [name: string]: string } = {}): PreStopAction {
    return new PreStopAction(PreStopActionKind.HTTP, undefined, path, port, headers);
  }

  /** No pre-stop action: SIGTERM comes at once (for workloads no Service routes to). */
  public static none(): PreStopAction {
    return new PreStopAction(PreStopActionKind.NONE, undefined, undefined, undefined, {});
  }

  private constructor(
    /** Which action. */
    public readonly kind: PreStopActionKind,
    /** The sleep binary, for `execSleep`. */
    public readonly binary: string | undefined,
    /** The path, for `httpGet`. */
    public readonly path: string | undefined,
    /** The port, for `httpGet`. */
    public readonly port: number | undefined,
    /** The request headers, for `httpGet`. */
    public readonly headers: { readonly [name: string]: string },
  ) {}
}

/** How a workload shuts down. */
export interface GracefulShutdownProps {
  /**
   * How long the pod keeps serving after it is told to stop, before SIGTERM:
   * the time its removal from the endpoints takes to reach every client.
   * Whole seconds.
   * @default 10 s
   */
  readonly delay?: Duration;
  /**
   * How the container keeps the delay.
   * @default PreStopAction.sleep() when the target Kubernetes version is 1.30 or newer, else PreStopAction.none()
   */
  readonly action?: PreStopAction;
  /**
   * How long the application has after SIGTERM to finish what it is doing.
   * Whole seconds.
   * @default 20 s
   */
  readonly drainTime?: Duration;
}

/** The resolved shutdown of a workload. */
export interface ShutdownPlan {
  /** The pre-stop delay in seconds (0 without one). */
  readonly delaySeconds: number;
  /** The pod's `terminationGracePeriodSeconds`: the delay plus the drain time. */
  readonly gracePeriodSeconds: number;
  /** The action, as chosen or defaulted. */
  readonly action: PreStopActionKind;
}

/** The graceful shutdown as a pod feature: the pre-stop hook and the grace period. `plan` is set once bound. */
export class ShutdownFeature implements IPodFeature {
  public readonly prop = 'shutdown';
  /** The resolved plan, once bound. */
  public plan?: ShutdownPlan;

  constructor(private readonly props: GracefulShutdownProps = {}) {}

  public bind(context: PodContext): PodFeatureBinding {
    const { checker, kubernetesVersion } = context;
    const seconds = (prop: string, d: Duration) => {
      const ms = d.toMilliseconds();
      checker.check(Number.isInteger(ms) && ms % 1000 === 0 && ms >= 0, `shutdown.${prop}`, `(${ms} ms) must be whole seconds, 0 or more`, 'give Duration.seconds(n)');
      return Math.round(ms / 1000);
    };
    const sleepSupported = kubernetesVersion.atLeast(SLEEP_ACTION_SINCE);
    const action = this.props.action ?? (sleepSupported ? PreStopAction.sleep() : PreStopAction.none());
    const delay = action.kind === PreStopActionKind.NONE ? 0 : seconds('delay', this.props.delay ?? DEFAULT_SHUTDOWN_DELAY);
    const drain = seconds('drainTime', this.props.drainTime ?? DEFAULT_SHUTDOWN_DRAIN_TIME);
    if (action.kind === PreStopActionKind.SLEEP) {
      checker.check(sleepSupported, 'shutdown.action', `(PreStopAction.sleep()) needs Kubernetes ${SLEEP_ACTION_SINCE.name} or newer (the pre-stop sleep action); the target is ${kubernetesVersion.name}`,
        'set KubernetesVersion.setTarget(app, KubernetesVersion.V1_30) or newer, or use PreStopAction.execSleep() for an image with a sleep binary, or PreStopAction.httpGet() for an application that waits');
      checker.check(delay >= 1, 'shutdown.delay', `(${delay}s) must be at least 1 second for the sleep action`, 'give the delay, or PreStopAction.none() for no pre-stop delay');
    }
    if (action.kind === PreStopActionKind.EXEC) {
      const binary = action.binary;
      checker.check(typeof binary === 'string' && /^\/[A-Za-z0-9._+\/-]+$/.test(binary) && path.posix.normalize(binary) === binary && !binary.endsWith('/'), 'shutdown.action',
        `binary (${quote(binary)}) must be a normalized absolute path of letters, digits, '.', '_', '+', '-' and '/'`, "use '/bin/sleep'");
    }
    if (action.kind === PreStopActionKind.HTTP) {
      const pathProblem = urlPathError(action.path);
      checker.check(pathProblem === undefined, 'shutdown.action', `path ${pathProblem}`, "use a path such as '/prestop'");
      const port = action.port ?? context.ports[0]?.port;
      checker.check(port !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535, 'shutdown.action', `port (${port}) must be a port from 1 to 65535`, 'give the port the application answers the hook on');
      for (const [name, value] of Object.entries(action.headers)) {
        // core/v1 HTTPHeader: a header field name (RFC 7230 token), a value a header can carry.
        checker.check(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name), 'shutdown.action', `header ${quote(name)} must be a header name (RFC 9110 token)`, 'use a name such as X-Prestop');
        const valueProblem = headerValueError(value);
        checker.check(valueProblem === undefined, 'shutdown.action', `header ${quote(name)}: ${valueProblem}`, 'give the value on one line, without control characters');
      }
    }
    const gracePeriodSeconds = delay + drain;
    // Without time after SIGTERM the process is killed the moment the pre-stop wait ends (OBS-SHD1 is an error then).
    checker.check(drain >= 1, 'shutdown.drainTime', `(${drain}s) leaves the process no time after SIGTERM: the kubelet kills it as the grace period (${gracePeriodSeconds}s) ends`,
      'give the drain time the application needs to finish its requests, at least 1 second');
    this.plan = { delaySeconds: delay, gracePeriodSeconds, action: action.kind };
    const binding: { terminationGracePeriodSeconds: number; preStop?: PodFeatureBinding['preStop'] } = { terminationGracePeriodSeconds: gracePeriodSeconds };
    // core/v1 LifecycleHandler: exactly one of sleep, exec, httpGet.
    if (action.kind === PreStopActionKind.SLEEP) binding.preStop = { sleep: { seconds: delay } };
    if (action.kind === PreStopActionKind.EXEC) binding.preStop = { exec: { command: [action.binary as string, String(delay)] } };
    if (action.kind === PreStopActionKind.HTTP) {
      const headers = Object.entries(action.headers).map(([name, value]) => ({ name, value }));
      binding.preStop = { httpGet: { path: action.path, port: action.port ?? context.ports[0]?.port, scheme: 'HTTP', ...(headers.length > 0 ? { httpHeaders: headers } : {}) } };
    }
    return binding;
  }
}
