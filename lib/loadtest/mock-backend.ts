/**
 * nginx mocks of a service's dependencies, so that one service can be load
 * tested alone (load client → service → mocks).
 */
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PropChecker, quote } from '../common/errors';
import { frozen, frozenList } from '../common/frozen';
import { resolveIdentity } from '../common/identity';
import { KubernetesVersion } from '../common/kubernetes-version';
import { parseImage } from '../common/image';
import { urlPathError, yamlTextError } from '../common/text';
import { DisruptionBudget } from '../workload/capacity';
import { RenderedConfigFile } from '../workload/config-file';
import { EgressRule } from '../workload/egress';
import { buildWorkload } from '../workload/kernel';
import { IObservableWorkload, NetworkDestination } from '../workload/observable-workload';
import { TopologySpread } from '../workload/placement';
import { bindFeatures } from '../workload/pod-feature';
import { resolveResources } from '../workload/resources';
import { DEFAULT_TMP_SIZE, resolveSecurity } from '../workload/security';
import { ShutdownFeature } from '../workload/shutdown';

/**
 * nginx, unprivileged variant (uid 101, listens on 8080), pinned: nginx
 * 1.30.5 is the current stable ("Changes with nginx 1.30.5, 15 Sep 2026",
 * nginx.org CHANGES-1.30), and `1.30.5-alpine` the image of it
 * (nginx/docker-nginx-unprivileged tag form `<version>-alpine`).
 */
export const NGINX_UNPRIVILEGED_IMAGE = 'nginxinc/nginx-unprivileged:1.30.5-alpine';
/** The nginx user of the unprivileged image. */
export const NGINX_UID = 101;
const CONFIG_DIR = '/etc/nginx/mock';

/** One mocked endpoint. */
export interface MockRoute {
  /** The exact path answered. */
  readonly path: string;
  /**
   * The HTTP status answered.
   * @default 200
   */
  readonly status?: number;
  /** The response body. */
  readonly body: string;
  /**
   * The response's media type.
   * @default 'application/json'
   */
  readonly contentType?: string;
}

/**
 * The longest token nginx reads from its config, quotes included: its read
 * buffer (NGX_CONF_BUFFER, 4096 bytes, nginx src/core/ngx_conf_file.c); a
 * longer one fails with "too long parameter".
 */
const NGINX_TOKEN_LIMIT_BYTES = 4096;

/**
 * A media type: a type and a subtype of at most 127 characters each (RFC 6838,
 * section 4.2, restricted-name), of letters, digits, '.', '+', '-' and '_'
 * (the RFC's '!', '#', '$', '&' and '^' are left out: nginx reads the type as a bare word).
 */
const MEDIA_TYPE = /^[A-Za-z0-9][\w.+-]{0,126}\/[A-Za-z0-9][\w.+-]{0,126}$/;

/** An nginx string literal: double quotes, with `"` and `\` escaped. */
function nginxString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The whole nginx.conf of a mock: every writable path under /tmp (the root
 * filesystem is read-only), errors to stderr, one exact location per route,
 * `/live` and `/ready` for the probes, 404 for anything else.
 */
export function nginxConfig(routes: readonly MockRoute[], port: number): string {
  const locations = routes.map((r) => [
    `    location = ${r.path} {`,
    `      default_type ${r.contentType ?? 'application/json'};`,
    `      return ${r.status ?? 200} ${nginxString(r.body)};`,
    '    }',
  ].join('\n'));
  return [
    'worker_processes 1;',
    'pid /tmp/nginx.pid;',
    'error_log stderr warn;',
    'events {',
    '  worker_connections 1024;',
    '}',
    'http {',
    '  access_log off;',
    '  server_tokens off;',
    '  client_body_temp_path /tmp/client_temp;',
    '  proxy_temp_path /tmp/proxy_temp;',
    '  fastcgi_temp_path /tmp/fastcgi_temp;',
    '  uwsgi_temp_path /tmp/uwsgi_temp;',
    '  scgi_temp_path /tmp/scgi_temp;',
    '  server {',
    `    listen ${port};`,
    '    location = /live {',
    '      default_type text/plain;',
    '      return 200 "ok";',
    '    }',
    '    location = /ready {',
    '      default_type text/plain;',
    '      return 200 "ok";',
    '    }',
    ...locations,
    '    location / {',
    '      return 404;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Props of {@link MockBackend}. */
export interface MockBackendProps {
  /** Static responses, by exact path. */
  readonly routes: MockRoute[];
  /**
   * The Service name: the name the service under test calls, so its config needs no change.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the objects.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * The port nginx listens on and the Service exposes.
   * @default 8080
   */
  readonly port?: number;
  /**
   * Pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The nginx image (unprivileged variant), pinned.
   * @default NGINX_UNPRIVILEGED_IMAGE
   */
  readonly image?: string;
}

const RESERVED_PATHS = ['/live', '/ready'];

/**
 * An nginx serving static responses from a ConfigMap: non-root (uid 101),
 * read-only root filesystem with an emptyDir for /tmp, behind a ClusterIP Service.
 */
export class MockBackend extends Construct implements IObservableWorkload {
  /** The ConfigMap holding `nginx.conf`. */
  public readonly configMap: kplus.ConfigMap;
  /** The nginx Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service, named as the service being mocked. */
  public readonly service: kplus.Service;
  /** The nginx.conf written to the ConfigMap. Read-only: a string built from `routes`; declare other routes to change it. */
  public readonly config: string;
  /** Name of the objects, and the Service's DNS label: the name the service under test calls. */
  public readonly name: string;
  /** Namespace of the objects. */
  public readonly namespace: string;
  /** `<name>.<namespace>.svc.cluster.local`. */
  public readonly dnsName: string;
  /** The port the Service exposes. */
  public readonly port: number;
  /** Labels selecting the mock's pods. */
  public readonly selector: Readonly<Record<string, string>>;
  /** The recommended labels on every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Where the pods send traffic: nowhere, a mock answers from its config. */
  public readonly egress: NetworkDestination[] = frozenList([]);
  /** The workloads its pods call: none. */
  public readonly dependsOn: IObservableWorkload[] = frozenList([]);
  /** Destinations outside the cluster its pods reach: none. */
  public readonly externalEgress: EgressRule[] = frozenList([]);

  constructor(scope: Construct, id: string, props: MockBackendProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, { routes: ['array', 'mock at least one endpoint: [{ path, body }]'] });
    props.routes.forEach((r, i) => {
      checker.required(`routes[${i}].path`, r?.path, 'string', "give the exact path, such as '/v1/accounts'");
      checker.required(`routes[${i}].body`, r?.body, 'string', 'give the response body');
    });
    checker.throwIfAny();
    const imageRef = props.image ?? NGINX_UNPRIVILEGED_IMAGE;
    const image = parseImage(imageRef);
    checker.check(typeof image !== 'string', 'image', typeof image === 'string' ? image : '', `use ${NGINX_UNPRIVILEGED_IMAGE}`);
    const identity = resolveIdentity(this, checker, { name: props.name, namespace: props.namespace, component: 'mock-backend' }, { image: typeof image === 'string' ? undefined : image });
    const port = props.port ?? 8080;
    checker.check(Number.isInteger(port) && port >= 1024 && port <= 65535, 'port', `(${port}) must be from 1024 to 65535: the mock runs unprivileged`, 'use 8080');
    checker.check(props.routes.length > 0, 'routes', 'is empty', 'mock at least one endpoint');
    const seen = new Set<string>();
    props.routes.forEach((r, i) => {
      // nginx reads the path as a bare word: URL path characters, and none of ';' (ends the directive), "'" (opens a string) or '$'.
      const pathProblem = urlPathError(r.path) ?? (/[;'$]/.test(r.path) ? `(${quote(r.path)}) must not hold ';', "'" or '$', which nginx reads as config syntax` : undefined)
        ?? (Buffer.byteLength(r.path) > NGINX_TOKEN_LIMIT_BYTES ? `is ${r.path.length} characters long; nginx reads a word of at most ${NGINX_TOKEN_LIMIT_BYTES} bytes` : undefined);
      checker.check(pathProblem === undefined, `routes[${i}].path`, pathProblem ?? '', "use a path such as '/v1/accounts'");
      checker.check(!RESERVED_PATHS.includes(r.path), `routes[${i}].path`, `(${quote(r.path)}) is the mock's own probe path`, 'mock another path');
      checker.check(!seen.has(r.path), `routes[${i}].path`, `(${quote(r.path)}) is mocked twice`, 'keep one route per path');
      seen.add(r.path);
      const status = r.status ?? 200;
      checker.check(Number.isInteger(status) && status >= 200 && status <= 599, `routes[${i}].status`, `(${status}) must be an HTTP status from 200 to 599`, 'use 200, or a 5xx to mock a failing dependency');
      // nginx expands $variables inside strings and has no escape for '$'.
      checker.check(!r.body.includes('$'), `routes[${i}].body`, "contains '$', which nginx would read as a variable", 'remove it from the mocked body');
      const bodyBytes = Buffer.byteLength(nginxString(r.body));
      checker.check(bodyBytes <= NGINX_TOKEN_LIMIT_BYTES, `routes[${i}].body`, `is ${bodyBytes} bytes as an nginx string; nginx reads one of at most ${NGINX_TOKEN_LIMIT_BYTES}`, 'mock a shorter body');
      const bodyText = yamlTextError(r.body);
      checker.check(bodyText === undefined, `routes[${i}].body`, bodyText ?? '', 'remove the character from the mocked body');
      checker.check(MEDIA_TYPE.test(r.contentType ?? 'application/json'), `routes[${i}].contentType`, `(${quote(r.contentType)}) is not a media type`, 'use a type such as application/json');
    });
    const replicas = props.replicas ?? 2;
    checker.check(Number.isInteger(replicas) && replicas >= 1, 'replicas', `(${replicas}) must be at least 1`, 'use 2');
    const security = resolveSecurity(checker, { runAsUser: NGINX_UID, runAsGroup: NGINX_UID });
    const resources = resolveResources(checker, undefined);
    // A pre-stop delay while the pod leaves the Service's endpoints, then the process's own shutdown.
    const shutdown = bindFeatures([new ShutdownFeature()], {
      name: identity.name, namespace: identity.namespace, version: identity.version ?? 'latest', ports: [], checker, kubernetesVersion: KubernetesVersion.targetOf(this),
    });
    checker.throwIfAny();

    this.name = identity.name;
    this.namespace = identity.namespace;
    this.dnsName = identity.dnsName;
    this.port = port;
    this.selector = frozen(identity.selector);
    this.labels = frozen(identity.labels);
    const config = this.config = nginxConfig(props.routes, port);
    const file = new RenderedConfigFile(this, {
      configMapName: `${this.name}-mock`,
      namespace: this.namespace,
      labels: identity.labels,
      fileName: 'nginx.conf',
      mountPath: CONFIG_DIR,
      volumeName: 'mock-config',
      render: () => config,
    });
    this.configMap = file.configMap;
    const workload = buildWorkload(this, {
      identity,
      podAnnotations: {},
      image: { ref: imageRef, ...(image as Exclude<typeof image, string>) },
      ports: [{ name: 'http', port, appProtocol: 'http' }],
      command: ['nginx', '-g', 'daemon off;', '-c', `${CONFIG_DIR}/nginx.conf`],
      resources,
      probes: {
        liveness: kplus.Probe.fromHttpGet('/live', { port }),
        readiness: kplus.Probe.fromHttpGet('/ready', { port }),
      },
      replicas: { min: replicas, max: replicas },
      disruptionBudget: replicas > 1 ? DisruptionBudget.maxUnavailable(1) : undefined,
      security,
      topologySpread: TopologySpread.acrossHostsAndZones(),
      tmpSize: DEFAULT_TMP_SIZE,
      serviceType: kplus.ServiceType.CLUSTER_IP,
      headless: false,
      preStop: shutdown.preStop,
      terminationGracePeriodSeconds: shutdown.terminationGracePeriodSeconds,
    });
    this.deployment = workload.deployment;
    this.service = workload.service;
    file.mountOn(this.deployment);
  }
}
