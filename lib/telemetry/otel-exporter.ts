/**
 * Where an OpenTelemetry Collector sends telemetry: typed exporters whose
 * credentials come from Secrets, never from the config.
 */
import * as kplus from 'cdk8s-plus-27';
import { hostError, portError } from '../common/addresses';
import { PropProblem, quote } from '../common/errors';
import { secretKeyError, secretNameError } from '../common/names';
import { urlPathError } from '../common/text';
import { NetworkDestination } from '../workload/observable-workload';

/** Elastic APM Server's port, which accepts OTLP/gRPC. */
export const ELASTIC_APM_PORT = 8200;
/** Where the collector finds the CA certificates exporters trust: one directory per exporter. */
export const EXPORTER_CA_DIR = '/etc/otelcol/ca';

/** A telemetry signal. */
export enum Signal {
  /** Spans. */
  TRACES = 'traces',
  /** Metrics. */
  METRICS = 'metrics',
  /** Log records. */
  LOGS = 'logs',
}

/** A key of a Kubernetes Secret the collector reads (into an environment variable, or as a mounted file). */
export interface SecretKey {
  /**
   * The Secret, in the collector's namespace. Give `secret` or `secretName`.
   * @default - the Secret named `secretName`
   */
  readonly secret?: kplus.ISecret;
  /**
   * The Secret's name, in the collector's namespace.
   * @default - the name of `secret`
   */
  readonly secretName?: string;
  /** The key of the value within the Secret. */
  readonly key: string;
}

/** Options of {@link OtelExporter.elasticApm}. */
export interface ElasticApmExporterOptions {
  /** APM Server host, such as `apm-server-apm-http.elastic-system.svc` (ECK names it `<name>-apm-http`). */
  readonly host: string;
  /**
   * The APM Server's port, which takes OTLP/gRPC.
   * @default 8200
   */
  readonly port?: number;
  /** The APM Server secret token (ECK keeps it in `<name>-apm-token`, key `secret-token`). */
  readonly secretToken: SecretKey;
  /**
   * The CA certificate that signed the APM Server's TLS certificate, for a
   * private CA (ECK's self-signed one: `<name>-apm-http-certs-public`, key
   * `ca.crt`; see {@link OtelExporter.eckApmServer}).
   * @default - the system's trusted roots
   */
  readonly caCertificate?: SecretKey;
  /**
   * Send without TLS (an APM Server with TLS disabled). Verification is never skipped silently.
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * The exporter's name: the component id is `otlp_grpc/<name>`.
   * @default 'elastic'
   */
  readonly name?: string;
}

/** Options of {@link OtelExporter.eckApmServer}. */
export interface EckApmServerExporterOptions {
  /** The name of the ECK `ApmServer` resource. */
  readonly apmServer: string;
  /**
   * Its namespace, where ECK writes its token and CA Secrets: the collector
   * must run there, since a pod reads Secrets of its own namespace only.
   */
  readonly namespace: string;
  /**
   * The exporter's name: the component id is `otlp_grpc/<name>`.
   * @default 'elastic'
   */
  readonly name?: string;
}

/** The transport of an OTLP exporter. */
export enum OtlpProtocol {
  /** OTLP over gRPC (`otlp_grpc`). */
  GRPC = 'grpc',
  /** OTLP over HTTP (`otlp_http`). */
  HTTP = 'http',
}

/** Options of {@link OtelExporter.otlp}. */
export interface OtlpExporterOptions {
  /** `host:port` for gRPC, or a URL for HTTP. */
  readonly endpoint: string;
  /**
   * OTLP over gRPC (`otlp_grpc`) or HTTP (`otlp_http`).
   * @default OtlpProtocol.GRPC
   */
  readonly protocol?: OtlpProtocol;
  /**
   * A bearer token for the `Authorization` header.
   * @default - no Authorization header
   */
  readonly bearerToken?: SecretKey;
  /**
   * Send without TLS. Verification is never skipped silently.
   * @default false
   */
  readonly insecure?: boolean;
  /** The exporter's name: the component id is `otlp_grpc/<name>` or `otlp_http/<name>`. */
  readonly name: string;
}

/** Options of {@link OtelExporter.datadog}. */
export interface DatadogExporterOptions {
  /** The Datadog API key. */
  readonly apiKey: SecretKey;
  /**
   * The Datadog site the account lives on.
   * @default 'datadoghq.com'
   */
  readonly site?: string;
}

/**
 * Where the collector sends telemetry. Credentials are read from Secrets into
 * environment variables and referenced as `${env:VAR}`: the config (a
 * ConfigMap) never holds one.
 */
export class OtelExporter {
  /** OTLP/gRPC to an Elastic APM Server, authenticated with its secret token (elastic.co/guide/en/observability/current/apm-open-telemetry-direct.html). */
  public static elasticApm(options: ElasticApmExporterOptions): OtelExporter {
    // Checked by the collector that takes the exporter, so a mistake names the construct.
    options = options ?? ({} as ElasticApmExporterOptions);
    return OtelExporter.apm(options.name, options.host, options.port ?? ELASTIC_APM_PORT, options.secretToken, options.caCertificate, options.insecure ?? false, undefined);
  }

  /**
   * OTLP/gRPC to the APM Server of an ECK `ApmServer` named `apmServer` in
   * `namespace`, wired the way ECK deploys it (elastic/cloud-on-k8s
   * test/e2e/test/apmserver/checks_k8s.go): the host `<name>-apm-http.<namespace>.svc`
   * on port 8200 with TLS from ECK's self-signed CA, whose public certificate
   * ECK keeps in the Secret `<name>-apm-http-certs-public` (key `ca.crt`,
   * mounted and set as the exporter's `tls.ca_file`), and the secret token in
   * `<name>-apm-token` (key `secret-token`). The collector must run in `namespace`.
   */
  public static eckApmServer(options: EckApmServerExporterOptions): OtelExporter {
    options = options ?? ({} as EckApmServerExporterOptions);
    const problems: PropProblem[] = [];
    for (const [prop, value] of [['apmServer', options.apmServer], ['namespace', options.namespace]] as const) {
      if (typeof value !== 'string' || !DNS_LABEL.test(value)) problems.push({ prop, problem: `(${quote(value)}) must be a Kubernetes name: lower-case letters, digits and '-'`, fix: 'give the name as ECK shows it (kubectl get apmserver -A)' });
    }
    // ECK's Service `<name>-apm-http` is a DNS label: 63 characters at most.
    if (typeof options.apmServer === 'string' && options.apmServer.length > 63 - '-apm-http'.length) {
      problems.push({ prop: 'apmServer', problem: `(${quote(options.apmServer)}) is too long: ECK's Service ${quote(`${options.apmServer}-apm-http`)} would exceed 63 characters`, fix: 'give the name as ECK shows it (kubectl get apmserver -A)' });
    }
    const apm = OtelExporter.apm(options.name, `${options.apmServer}-apm-http.${options.namespace}.svc`, ELASTIC_APM_PORT,
      { secretName: `${options.apmServer}-apm-token`, key: 'secret-token' }, { secretName: `${options.apmServer}-apm-http-certs-public`, key: 'ca.crt' }, false, options.namespace);
    // A bad name is reported once, not again through the host and Secret names derived from it.
    const own = apm._problems.filter((p) => p.prop === 'name');
    return problems.length > 0 ? new OtelExporter(apm.id, apm.config, apm._secretEnv, [...problems, ...own], apm._destinations, apm._secretFiles, apm._secretsNamespace) : apm;
  }

  private static apm(exporterName: string | undefined, host: string, port: number, token: SecretKey, ca: SecretKey | undefined, insecure: boolean, secretsNamespace: string | undefined): OtelExporter {
    const name = typeof exporterName === 'string' ? exporterName : 'elastic';
    const tokenVar = envVarFor(name, 'SECRET_TOKEN');
    const problems = [
      ...nameProblems(exporterName),
      ...(hostError(host) === undefined ? [] : [{ prop: 'host', problem: hostError(host)!, fix: "give the APM Server's host, such as 'apm-server.elastic.svc.cluster.local', and 'port' apart" }]),
      ...(typeof port === 'number' && portError(port) === undefined ? [] : [{ prop: 'port', problem: `(${quote(port)}) must be a port from 1 to 65535`, fix: `use ${ELASTIC_APM_PORT}` }]),
      ...(insecure && ca ? [{ prop: 'insecure', problem: 'turns TLS off, so the CA certificate would never be used', fix: 'give either insecure or caCertificate' }] : []),
      ...secretKeyProblems('secretToken', token),
      ...(ca ? secretKeyProblems('caCertificate', ca) : []),
    ];
    // A volume name is a DNS-1123 label: the exporter's name in lower case, '_' as '-'.
    const caFile = ca ? { volume: `${name.toLowerCase().replace(/_/g, '-')}-ca`, ...ca, path: `${EXPORTER_CA_DIR}/${name}/ca.crt` } : undefined;
    // configtls (open-telemetry/opentelemetry-collector config/configtls): ca_file verifies the
    // server against that CA; insecure turns TLS off entirely; neither skips verification.
    const tls = insecure ? { tls: { insecure: true } } : caFile ? { tls: { ca_file: caFile.path } } : {};
    return new OtelExporter(`otlp_grpc/${name}`, {
      endpoint: `${host}:${port}`,
      headers: { Authorization: `Bearer \${env:${tokenVar}}` },
      ...tls,
    }, [{ name: tokenVar, ...token }], problems, [{ host, port, purpose: 'exporter' }], caFile ? [caFile] : [], secretsNamespace);
  }

  /** Any OTLP endpoint, over gRPC (`otlp_grpc`) or HTTP (`otlp_http`). */
  public static otlp(options: OtlpExporterOptions): OtelExporter {
    options = options ?? ({} as OtlpExporterOptions);
    const name = typeof options.name === 'string' ? options.name : '';
    const tokenVar = envVarFor(name, 'BEARER_TOKEN');
    const config: Record<string, unknown> = { endpoint: options.endpoint };
    if (options.bearerToken) config.headers = { Authorization: `Bearer \${env:${tokenVar}}` };
    if (options.insecure) config.tls = { insecure: true };
    const http = options.protocol === OtlpProtocol.HTTP;
    const endpoint = parseEndpoint(options.endpoint, http);
    const problems = [
      ...nameProblems(options.name, true),
      ...(options.protocol === undefined || options.protocol === OtlpProtocol.GRPC || http ? [] : [{ prop: 'protocol', problem: `(${quote(options.protocol)}) must be 'grpc' or 'http'`, fix: "give 'grpc' or 'http'" }]),
      ...(options.bearerToken ? secretKeyProblems('bearerToken', options.bearerToken) : []),
      ...(typeof endpoint !== 'string' ? [] : [{
        prop: 'endpoint', problem: endpoint,
        fix: http ? "give a URL such as 'https://otlp.example.com:4318'" : "give a target such as 'tempo.tracing.svc.cluster.local:4317'",
      }]),
    ];
    return new OtelExporter(`${http ? 'otlp_http' : 'otlp_grpc'}/${name}`, config, options.bearerToken ? [{ name: tokenVar, ...options.bearerToken }] : [], problems,
      typeof endpoint === 'string' ? [] : [endpoint]);
  }

  /** The Datadog exporter, with the API key from a Secret. */
  public static datadog(options: DatadogExporterOptions): OtelExporter {
    options = options ?? ({} as DatadogExporterOptions);
    const site = options.site ?? 'datadoghq.com';
    const problems = [
      ...(hostError(site) === undefined ? [] : [{ prop: 'site', problem: `(${quote(site)}) must be a Datadog site host name`, fix: "use a site such as 'datadoghq.com' or 'datadoghq.eu'" }]),
      ...secretKeyProblems('apiKey', options.apiKey),
    ];
    // The exporter's intake hosts for a site (opentelemetry-collector-contrib, Datadog exporter
    // config: metrics https://api.<site>, traces https://trace.agent.<site>, logs https://http-intake.logs.<site>).
    const destinations = ['api', 'trace.agent', 'http-intake.logs'].map((prefix) => ({ host: `${prefix}.${site}`, port: 443, purpose: 'exporter' }));
    return new OtelExporter('datadog', { api: { key: '${env:DD_API_KEY}', site } }, [{ name: 'DD_API_KEY', ...options.apiKey }], problems, destinations);
  }

  private constructor(
    /** Component id in the collector config, such as `otlp_grpc/elastic`. */
    public readonly id: string,
    /** The exporter's config. */
    public readonly config: Readonly<Record<string, unknown>>,
    /** Environment variables read from Secrets. @internal */
    public readonly _secretEnv: ReadonlyArray<{ readonly name: string } & SecretKey>,
    /** What is wrong with the options (`prop` names the option); the collector reports each under `exporters[i].<prop>`. @internal */
    public readonly _problems: readonly PropProblem[],
    /** Where the exporter sends: host and port of each endpoint. @internal */
    public readonly _destinations: readonly NetworkDestination[],
    /** Files mounted from Secrets: the volume's name and the file's path in the container. @internal */
    public readonly _secretFiles: ReadonlyArray<{ readonly volume: string; readonly path: string } & SecretKey> = [],
    /** The namespace the Secrets are in, when known: the collector must run there. @internal */
    public readonly _secretsNamespace?: string,
  ) {}
}

/**
 * An OTLP endpoint's host and port, or why it is not one: `host:port` for
 * gRPC (optionally with an http(s) scheme), an http(s) URL for HTTP (the port
 * from the scheme when absent, and a path of URL characters). The host is a
 * host name or an IPv4 address, so no space and no `${`, which the collector
 * would expand as a config source (`${env:…}`, `${file:…}`).
 */
function parseEndpoint(endpoint: unknown, http: boolean): NetworkDestination | string {
  const form = http ? /^(https?):\/\/([^:/?#]*)(?::(\d{1,5}))?(\/.*)?$/ : /^(?:(https?):\/\/)?([^:/?#]*):(\d{1,5})$/;
  const match = typeof endpoint === 'string' ? form.exec(endpoint) : null;
  const what = http ? 'an http(s) URL' : 'a gRPC target (host:port, optionally with https://)';
  if (!match) return `(${quote(endpoint)}) is not ${what}`;
  const [, scheme, host, portText, path] = match;
  const hostProblem = hostError(host);
  if (hostProblem) return `(${quote(endpoint)}) is not ${what}: its host ${hostProblem}`;
  const port = portText !== undefined ? Number(portText) : scheme === 'http' ? 80 : 443;
  if (portError(port)) return `(${quote(endpoint)}) has a port (${port}) outside 1 to 65535`;
  const pathProblem = path === undefined ? undefined : urlPathError(path);
  if (pathProblem) return `(${quote(endpoint)}) has a path that ${pathProblem.replace(/^\(.*?\) /, '')}`;
  // The collector expands `${…}` in every config string and reads `$$` as `$`
  // (opentelemetry.io/docs/collector/configuration, "Environment variables").
  if (path?.includes('$')) return `(${quote(endpoint)}) has a path with '$', which the collector reads as the start of an expansion`;
  return { host, port, purpose: 'exporter' };
}

/** A Kubernetes object name (RFC 1123 label). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks a Secret reference: a Secret (given or named) and a key. */
function secretKeyProblems(prop: string, ref: SecretKey): PropProblem[] {
  if (typeof ref !== 'object' || ref === null) return [{ prop, problem: 'is missing: a Secret and a key are required', fix: "give { secretName: 'apm-token', key: 'secret-token' }" }];
  const problems: PropProblem[] = [];
  const name = ref.secretName ?? ref.secret?.name;
  const nameProblem = name === undefined ? undefined : secretNameError(name);
  if (nameProblem) problems.push({ prop: ref.secretName !== undefined ? `${prop}.secretName` : `${prop}.secret`, problem: `is not a Secret name: ${nameProblem}`, fix: 'give the Secret\'s name' });
  if (ref.secret === undefined && ref.secretName === undefined) problems.push({ prop, problem: 'names no Secret', fix: 'give secret or secretName' });
  const keyProblem = secretKeyError(ref.key);
  if (keyProblem) problems.push({ prop: `${prop}.key`, problem: keyProblem, fix: 'give the key within the Secret' });
  return problems;
}

/**
 * Exporter names become part of the component id, of a variable name and, in
 * lower case, of a volume name (a DNS-1123 label, `<name>-ca`): letters,
 * digits, '_' and '-', starting with a letter or digit, at most 60.
 */
function nameProblems(name: unknown, required = false): PropProblem[] {
  if (name === undefined && !required) return [];
  if (typeof name === 'string' && /^[a-z0-9][a-z0-9_-]{0,59}$/i.test(name)) return [];
  return [{ prop: 'name', problem: `(${quote(name)}) must be 1 to 60 letters, digits, '_' and '-', starting with a letter or digit`, fix: "give a name such as 'tempo'" }];
}

function envVarFor(name: string, suffix: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${suffix}`;
}
