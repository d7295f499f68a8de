/**
 * Load tests with Fortio, Istio's own load generator (fortio.org: measure
 * per-pod throughput with a single-service test before trusting any estimate).
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PropChecker, quote } from '../common/errors';
import { frozenList } from '../common/frozen';
import { resolveIdentity } from '../common/identity';
import { parseImage } from '../common/image';
import { secretKeyError, secretNameError } from '../common/names';
import { compareText, headerValueError, httpUrlError, urlPathError } from '../common/text';
import { ISTIO_INJECT_LABEL, resolveMeshSidecar } from '../istio/sidecar';
import { ObservableService } from '../service/observable-service';
import { Protocol } from '../service/protocol';
import { registerNetwork } from '../workload/network';
import { DEFAULT_TMP_SIZE, POD_SECCOMP_PROFILE, containerSecurityContext, podSecurityContext, resolveSecurity } from '../workload/security';

/**
 * Fortio, pinned: 1.75.3, the newest release that could be confirmed (pinned
 * with its digest sha256:942c86131c24ee9bd4a7754610be417ac1b9fe2f11d1860620a9f6932ceb712f
 * in public manifests). `-grpc-method` exists since the release after 1.69.5
 * (fortio/fortio pull request 1064, merged 2025-08-08).
 */
export const FORTIO_IMAGE = 'fortio/fortio:1.75.3';

/** Default percentiles reported. */
export const DEFAULT_PERCENTILES = [50, 90, 99, 99.9];

/** Options of a Fortio `load` run. */
export interface FortioLoadOptions {
  /** Requests per second for the whole run; 0 means as fast as possible. */
  readonly qps: number;
  /**
   * Parallel connections.
   * @default 8
   */
  readonly connections?: number;
  /**
   * How long the run lasts.
   * @default 60 s
   */
  readonly duration?: Duration;
  /**
   * Random payload bytes per request (for HTTP this switches to POST).
   * @default 0 - none
   */
  readonly payloadSize?: number;
  /**
   * Extra request headers.
   * @default - none
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Percentiles to report.
   * @default 50, 90, 99, 99.9
   */
  readonly percentiles?: number[];
  /**
   * Request timeout.
   * @default - Fortio's (3 s)
   */
  readonly timeout?: Duration;
}

/** A request header whose value is read from a Secret. */
export interface SecretHeader {
  /** The Secret holding the value. */
  readonly secret: kplus.ISecret;
  /** The key of the value in the Secret. */
  readonly key: string;
  /**
   * Text before the value, such as `Bearer ` for a bearer token.
   * @default - none: the header is the Secret's value
   */
  readonly prefix?: string;
}

/**
 * A literal for a container argument: Kubernetes expands `$(VAR)` in args
 * from the container's env and leaves `$$(VAR)` as `$(VAR)`
 * (kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container).
 */
function literalArg(text: string): string {
  return text.replace(/\$\(/g, '$$$$(');
}

/** The env variable that carries a secret header's value: `HEADER_` and the name in upper case, `-` as `_`. */
export function secretHeaderVariable(header: string): string {
  return `HEADER_${header.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** What is loaded: a service of the app (`service`, with `path` or `grpcMethod`) or a `url`, one of the two. */
export interface LoadTarget {
  /**
   * A service of the app, loaded on its DNS name and port.
   * @default - none: give `url`
   */
  readonly service?: ObservableService;
  /**
   * The path of an HTTP service.
   * @default '/'
   */
  readonly path?: string;
  /**
   * The method a gRPC service is loaded through (`package.Service/Method`).
   * @default - the gRPC health protocol on the service's readiness service
   */
  readonly grpcMethod?: string;
  /**
   * A URL to load instead of a service.
   * @default - none: give `service`
   */
  readonly url?: string;
}

/**
 * The `fortio load` arguments: JSON results to stdout (`-json -`), so they are
 * in the Job's log. A gRPC service is loaded through one of its own methods
 * when `grpcMethod` names one (`-grpc-method package.Service/Method`, Fortio
 * since the release after 1.69.5), else through the gRPC health protocol on
 * its readiness service.
 */
export function fortioLoadArgs(target: LoadTarget, options: FortioLoadOptions, secretHeaders: Readonly<Record<string, SecretHeader>> = {}): string[] {
  const args = ['load', '-qps', String(options.qps), '-c', String(options.connections ?? 8), '-t', `${(options.duration ?? Duration.seconds(60)).toSeconds()}s`];
  if (options.payloadSize) args.push('-payload-size', String(options.payloadSize));
  // Literal values are escaped so that Kubernetes does not expand a `$(` in them; a secret header refers to its variable.
  const headers: Array<[string, string]> = [
    ...Object.entries(options.headers ?? {}).map(([name, value]): [string, string] => [name, literalArg(value)]),
    ...Object.entries(secretHeaders).map(([name, h]): [string, string] => [name, `${literalArg(h.prefix ?? '')}$(${secretHeaderVariable(name)})`]),
  ];
  for (const [name, value] of headers.sort(([a], [b]) => compareText(a, b))) args.push('-H', `${name}: ${value}`);
  args.push('-p', (options.percentiles ?? DEFAULT_PERCENTILES).join(','));
  if (options.timeout) args.push('-timeout', `${options.timeout.toMilliseconds()}ms`);
  args.push('-json', '-');
  // The target is a literal too: a `$(` in a path or URL must not pull a secret header's variable into it.
  if (target.service === undefined) {
    // checkLoadOptions has made sure a target without a service has a URL.
    args.push(literalArg(target.url ?? ''));
  } else if (target.service.protocol === Protocol.GRPC) {
    const call = target.grpcMethod !== undefined ? ['-grpc-method', target.grpcMethod] : ['-healthservice', target.service.health.ready];
    args.push('-grpc', ...call, `${target.service.dnsName}:${target.service.port}`);
  } else {
    args.push(literalArg(`http://${target.service.dnsName}:${target.service.port}${target.path ?? '/'}`));
  }
  return args;
}

/** Checks load options, and the target when given; problems go to `checker`. */
export function checkLoadOptions(checker: PropChecker, options: FortioLoadOptions, target?: LoadTarget): void {
  checker.check(Number.isFinite(options.qps) && options.qps >= 0, 'qps', `(${options.qps}) must be 0 (as fast as possible) or a positive rate`, 'give the requests per second to hold');
  const c = options.connections ?? 8;
  checker.check(Number.isInteger(c) && c >= 1, 'connections', `(${c}) must be a whole number of at least 1`, 'use about twice the pod count for HTTP/1.1');
  const seconds = (options.duration ?? Duration.seconds(60)).toMilliseconds() / 1000;
  checker.check(Number.isInteger(seconds) && seconds >= 1, 'duration', `(${seconds}s) must be whole seconds, at least 1`, 'run for minutes, so the autoscaler and caches settle');
  const payload = options.payloadSize ?? 0;
  checker.check(Number.isInteger(payload) && payload >= 0 && payload <= 256 * 1024, 'payloadSize', `(${payload}) must be 0 to 262144 bytes (Fortio's -maxpayloadsizekb default)`, 'use the size of a typical request body');
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const valueProblem = headerValueError(value);
    checker.check(/^[A-Za-z0-9-]+$/.test(name) && valueProblem === undefined, `headers.${name}`, `must be a header name of letters, digits and '-' with a value a header can carry${valueProblem ? `: ${valueProblem}` : ''}`,
      'fix the header');
  }
  for (const p of options.percentiles ?? []) checker.check(p > 0 && p < 100, 'percentiles', `(${p}) must be between 0 and 100`, 'use values such as 50, 99, 99.9');
  if (target) checker.check((target.url === undefined) !== (target.service === undefined), 'target', 'must name one of service and url', 'give service (with path or grpcMethod) or url');
  if (target?.url !== undefined) {
    const problem = httpUrlError(target.url);
    checker.check(problem === undefined, 'target.url', problem ?? '', 'give http://host:port/path');
  }
  if (target?.service !== undefined && target.path !== undefined) {
    // Fortio requests http://<service>:<port><path>: a path, and a query if any.
    const problem = urlPathError(target.path, { query: true });
    checker.check(problem === undefined, 'target.path', problem ?? '', "use a path such as '/v1/journal'");
  }
  if (target?.service !== undefined && target.grpcMethod !== undefined) {
    checker.check(target.service.protocol === Protocol.GRPC, 'target.grpcMethod', `is for a gRPC service; ${target.service.name} speaks ${target.service.protocol.name}`, "give 'path' for an HTTP service");
    checker.check(typeof target.grpcMethod === 'string' && /^[A-Za-z_][\w.]*\/[A-Za-z_]\w*$/.test(target.grpcMethod), 'target.grpcMethod', `(${quote(target.grpcMethod)}) must be a full method name, package.Service/Method`, "use a name such as 'ledger.v1.Ledger/GetBalance'");
  }
}

/** Checks secret headers: valid names, each header given once, one variable each. */
function checkSecretHeaders(checker: PropChecker, secretHeaders: Readonly<Record<string, SecretHeader>>, headers: Readonly<Record<string, string>>): void {
  const variables = new Map<string, string>();
  const literal = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  for (const [name, h] of Object.entries(secretHeaders)) {
    const prop = `secretHeaders.${name}`;
    checker.check(/^[A-Za-z0-9-]+$/.test(name), prop, 'must be a header name of letters, digits and -', 'fix the header name');
    checker.check(!literal.has(name.toLowerCase()), prop, "is also given in 'headers'", 'give the header in one of the two');
    const variable = secretHeaderVariable(name);
    const other = variables.get(variable);
    checker.check(other === undefined, prop, `reads its value through the variable ${variable}, as ${other} does`, 'keep only one of the two headers');
    variables.set(variable, name);
    if (!checker.required(prop, h, 'object', "give { secret, key }, such as { secret, key: 'token', prefix: 'Bearer ' }")) continue;
    const secretProblem = secretNameError(h.secret?.name);
    checker.check(secretProblem === undefined, `${prop}.secret`, `is not a Secret: its name ${secretProblem}`, 'give the Secret holding the value');
    const keyProblem = secretKeyError(h.key);
    checker.check(keyProblem === undefined, `${prop}.key`, keyProblem ?? '', 'give the key that holds the value');
    // The prefix starts the header's value, which the Secret's value ends: it may end with a space.
    const prefixProblem = h.prefix === undefined ? undefined : headerValueError(h.prefix, { prefix: true });
    checker.check(prefixProblem === undefined, `${prop}.prefix`, prefixProblem ?? '', "use a prefix such as 'Bearer '");
  }
}

/** Props of {@link LoadTest}. */
export interface LoadTestProps extends FortioLoadOptions {
  /** What is loaded: a service (with a path for HTTP) or a URL. */
  readonly target: LoadTarget;
  /**
   * Request headers whose values are read from Secrets, such as
   * `{ Authorization: { secret, key: 'token', prefix: 'Bearer ' } }`: each
   * becomes an env variable from the Secret (`HEADER_AUTHORIZATION`), which
   * the argument names as `$(HEADER_AUTHORIZATION)`, so the credential never
   * appears in the manifest.
   * @default - none
   */
  readonly secretHeaders?: Readonly<Record<string, SecretHeader>>;
  /**
   * Run the client with an Istio sidecar (native sidecar, so the Job
   * completes), sized by the default sizing model for the request rate.
   * @default false
   */
  readonly mesh?: boolean;
  /**
   * Namespace of the Job.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * The Fortio image, pinned.
   * @default FORTIO_IMAGE
   */
  readonly image?: string;
  /**
   * How long the finished Job (and its logs) stays.
   * @default 1 hour
   */
  readonly ttlAfterFinished?: Duration;
}

/**
 * A Kubernetes Job that runs one Fortio load test and ends: no retries
 * (`backoffLimit: 0`, a failed load test must be looked at, not repeated),
 * deleted an hour after it finishes, non-root with a read-only root filesystem.
 */
export class LoadTest extends Construct {
  /** The Fortio Job. */
  public readonly job: kplus.Job;
  /** The `fortio load` arguments. */
  public readonly args: string[];

  constructor(scope: Construct, id: string, props: LoadTestProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, {
      target: ['object', "give what is loaded: { service, path } or { url }"],
      qps: ['number', 'give the requests per second to hold, or 0 for as fast as possible'],
    });
    // Whether exactly one of the two is given is checkLoadOptions' question; here, each is what it says.
    const given = props.target as { service?: unknown; url?: unknown };
    if (given.url !== undefined) checker.required('target.url', given.url, 'string', 'give http://host:port/path');
    if (given.service !== undefined) checker.check(given.service instanceof ObservableService, 'target.service', `(${quote(given.service)}) is not an ObservableService`, 'give the ObservableService to load, or a url');
    checker.throwIfAny();
    checkLoadOptions(checker, props, props.target);
    const imageRef = props.image ?? FORTIO_IMAGE;
    const image = parseImage(imageRef);
    checker.check(typeof image !== 'string', 'image', typeof image === 'string' ? image : '', `use ${FORTIO_IMAGE}`);
    const identity = resolveIdentity(this, checker, { namespace: props.namespace, component: 'load-test' }, { image: typeof image === 'string' ? undefined : image });
    const security = resolveSecurity(checker, undefined);
    const secretHeaders = props.secretHeaders ?? {};
    checkSecretHeaders(checker, secretHeaders, props.headers ?? {});
    // A Job's sidecar is sized like a service's: from the rate it carries (Fortio's 0 means as fast as it goes).
    // A Job with a sidecar completes only when the sidecar is a native one (Kubernetes 1.28+, Istio 1.20+ per pod).
    const sidecar = props.mesh ? resolveMeshSidecar(checker, {}, props.qps > 0 ? props.qps : undefined, undefined, { native: true }) : undefined;
    checker.throwIfAny();
    this.args = frozenList(fortioLoadArgs(props.target, props, secretHeaders));
    this.job = new kplus.Job(this, 'Job', {
      metadata: { name: identity.name, namespace: identity.namespace, labels: { ...identity.labels } },
      podMetadata: {
        labels: { ...identity.labels, [ISTIO_INJECT_LABEL]: String(props.mesh ?? false) },
        annotations: sidecar ? { ...sidecar.annotations } : undefined,
      },
      backoffLimit: 0,
      ttlAfterFinished: props.ttlAfterFinished ?? Duration.hours(1),
      automountServiceAccountToken: false,
      securityContext: podSecurityContext(security),
      containers: [{
        name: 'fortio',
        image: imageRef,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        args: [...this.args],
        envVariables: Object.fromEntries(Object.entries(secretHeaders).map(([name, h]) => [secretHeaderVariable(name), kplus.EnvValue.fromSecretValue({ secret: h.secret, key: h.key })])),
        // Fortio's client is light; the CPU limit leaves room so the client is not the bottleneck.
        resources: { cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(2000) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) } },
        securityContext: containerSecurityContext(security),
      }],
    });
    this.job.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: DEFAULT_TMP_SIZE }));
    ApiObject.of(this.job).addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { ...POD_SECCOMP_PROFILE }));

    const network = registerNetwork(this, {
      kind: 'Job', name: identity.name, namespace: identity.namespace, selector: identity.selector, ports: [], mesh: props.mesh ?? false, kubernetesApi: false,
    });
    const { target } = props;
    if (target.url !== undefined) {
      const url = new URL(target.url);
      network.calls.push({ host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), purpose: 'load test', prop: 'target.url' });
    } else if (target.service !== undefined) {
      network.calls.push({ workload: target.service, port: target.service.port, purpose: 'load test', prop: 'target.service' });
    }
  }
}
