/**
 * Where an OpenTelemetry Collector sends telemetry: typed exporters whose
 * credentials come from Secrets, never from the config.
 */
import * as kplus from 'cdk8s-plus-27';
import { PropProblem } from '../common/errors';
import { NetworkDestination } from '../workload/observable-workload';

/** Elastic APM Server's port, which accepts OTLP/gRPC. */
export const ELASTIC_APM_PORT = 8200;

/** A telemetry signal. */
export enum Signal {
  /** Spans. */
  TRACES = 'traces',
  /** Metrics. */
  METRICS = 'metrics',
  /** Log records. */
  LOGS = 'logs',
}

/** A key of a Kubernetes Secret, read into an environment variable of the collector. */
export interface SecretKey {
  /** The Secret, in the collector's namespace. */
  readonly secret: kplus.ISecret;
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

/** Options of {@link OtelExporter.otlp}. */
export interface OtlpExporterOptions {
  /** `host:port` for gRPC, or a URL for HTTP. */
  readonly endpoint: string;
  /**
   * OTLP over gRPC (`otlp_grpc`) or HTTP (`otlp_http`).
   * @default 'grpc'
   */
  readonly protocol?: 'grpc' | 'http';
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
    const name = options.name ?? 'elastic';
    const tokenVar = envVarFor(name, 'SECRET_TOKEN');
    const port = options.port ?? ELASTIC_APM_PORT;
    const problems = [
      ...nameProblems(options.name),
      ...(HOST.test(options.host) ? [] : [{ prop: 'host', problem: `("${options.host}") must be a host name or IP address, without scheme, port or path`, fix: "give the APM Server's host, such as 'apm-server.elastic.svc.cluster.local', and 'port' apart" }]),
      ...(Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [{ prop: 'port', problem: `(${port}) must be a port from 1 to 65535`, fix: `use ${ELASTIC_APM_PORT}` }]),
    ];
    return new OtelExporter(`otlp_grpc/${name}`, {
      endpoint: `${options.host}:${port}`,
      headers: { Authorization: `Bearer \${env:${tokenVar}}` },
      ...(options.insecure ? { tls: { insecure: true } } : {}),
    }, [{ name: tokenVar, ...options.secretToken }], problems, [{ host: options.host, port, purpose: 'exporter' }]);
  }

  /** Any OTLP endpoint, over gRPC (`otlp_grpc`) or HTTP (`otlp_http`). */
  public static otlp(options: OtlpExporterOptions): OtelExporter {
    const tokenVar = envVarFor(options.name, 'BEARER_TOKEN');
    const config: Record<string, unknown> = { endpoint: options.endpoint };
    if (options.bearerToken) config.headers = { Authorization: `Bearer \${env:${tokenVar}}` };
    if (options.insecure) config.tls = { insecure: true };
    const http = options.protocol === 'http';
    // otlp_http takes a base URL; otlp_grpc a gRPC target, host:port with an optional scheme.
    const endpointOk = (http ? HTTP_URL : GRPC_TARGET).test(options.endpoint);
    const problems = [
      ...nameProblems(options.name),
      ...(endpointOk ? [] : [{
        prop: 'endpoint', problem: `("${options.endpoint}") is not ${http ? 'an http(s) URL' : 'a gRPC target (host:port, optionally with https://)'}`,
        fix: http ? "give a URL such as 'https://otlp.example.com:4318'" : "give a target such as 'tempo.tracing.svc.cluster.local:4317'",
      }]),
    ];
    return new OtelExporter(`${http ? 'otlp_http' : 'otlp_grpc'}/${options.name}`, config, options.bearerToken ? [{ name: tokenVar, ...options.bearerToken }] : [], problems,
      endpointOk ? [endpointDestination(options.endpoint, http)] : []);
  }

  /** The Datadog exporter, with the API key from a Secret. */
  public static datadog(options: DatadogExporterOptions): OtelExporter {
    const site = options.site ?? 'datadoghq.com';
    const problems = HOST.test(site) ? [] : [{ prop: 'site', problem: `("${site}") must be a Datadog site host name`, fix: "use a site such as 'datadoghq.com' or 'datadoghq.eu'" }];
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
    /** Environment variables read from Secrets. */
    public readonly secretEnv: ReadonlyArray<{ readonly name: string } & SecretKey>,
    /** What is wrong with the options (`prop` names the option); the collector reports each under `exporters[i].<prop>`. */
    public readonly problems: readonly PropProblem[],
    /** Where the exporter sends: host and port of each endpoint. */
    public readonly destinations: readonly NetworkDestination[],
  ) {}
}

/** The host and port an OTLP endpoint connects to: `host:port` (gRPC, optionally with a scheme) or a URL (HTTP, port from the scheme when absent). */
function endpointDestination(endpoint: string, http: boolean): NetworkDestination {
  const match = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?/.exec(endpoint)!;
  const port = match[3] !== undefined ? Number(match[3]) : http && match[1] === 'http' ? 80 : 443;
  return { host: match[2], port, purpose: 'exporter' };
}

/** A host name or an IPv4 address (no scheme, port or path). */
const HOST = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;
const HTTP_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\S*)?$/;
const GRPC_TARGET = /^(https?:\/\/)?[A-Za-z0-9.-]+:\d{1,5}$/;

/** Exporter names become part of the component id and of a variable name. */
function nameProblems(name: string | undefined): PropProblem[] {
  if (name === undefined || /^[a-z0-9][a-z0-9_-]*$/i.test(name)) return [];
  return [{ prop: 'name', problem: `("${name}") must be letters, digits, '_' and '-'`, fix: "give a name such as 'tempo'" }];
}

function envVarFor(name: string, suffix: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${suffix}`;
}

