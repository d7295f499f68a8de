/**
 * Where traces go, as one value both the front proxy and the services read
 * (article 000: Envoy's spans must join the application's traces, or nobody
 * can tell whether the load balancer or Envoy made a request slow).
 */

/** The Datadog agent's trace intake port (APM, TCP). */
export const DATADOG_APM_PORT = 8126;
/** The Datadog agent's ClusterIP Service as the Datadog Helm chart names it. */
export const DEFAULT_DATADOG_AGENT_SERVICE = 'datadog';
/** The namespace the Datadog agent is installed in by convention. */
export const DEFAULT_DATADOG_AGENT_NAMESPACE = 'datadog';
/** OTLP over gRPC. */
export const OTLP_GRPC_PORT = 4317;

/** A tracing backend. */
export enum TracingProvider {
  DATADOG = 'datadog',
  OPENTELEMETRY = 'opentelemetry',
}

/** Options of {@link Tracing.datadog}. */
export interface DatadogTracingOptions {
  /**
   * The agent's ClusterIP Service. Envoy's static config cannot read the
   * node's IP from an environment variable, and a ConfigMap cannot take
   * Downward API values, so the front proxy reaches the agent through its Service.
   * @default 'datadog'
   */
  readonly agentService?: string;
  /**
   * The agent's namespace.
   * @default 'datadog'
   */
  readonly agentNamespace?: string;
  /**
   * The agent's APM port.
   * @default 8126
   */
  readonly apmPort?: number;
  /**
   * Share of requests traced, 0 to 100. Envoy's own default is 100; lower it
   * when tracing's cost on the proxy has been measured to matter.
   * @default 100
   */
  readonly samplingPercentage?: number;
}

/** Options of {@link Tracing.openTelemetry}. */
export interface OpenTelemetryTracingOptions {
  /** Host of an OTLP/gRPC endpoint, usually a Collector's in-cluster DNS name. */
  readonly host: string;
  /**
   * Its port.
   * @default 4317
   */
  readonly port?: number;
  /**
   * Share of requests traced, 0 to 100.
   * @default 100
   */
  readonly samplingPercentage?: number;
}

/** Where and how traces are sent. */
export class Tracing {
  /** To the Datadog agent through its ClusterIP Service (article 000's conclusion). */
  public static datadog(options: DatadogTracingOptions = {}): Tracing {
    const service = options.agentService ?? DEFAULT_DATADOG_AGENT_SERVICE;
    const namespace = options.agentNamespace ?? DEFAULT_DATADOG_AGENT_NAMESPACE;
    return new Tracing(TracingProvider.DATADOG, `${service}.${namespace}.svc.cluster.local`, options.apmPort ?? DATADOG_APM_PORT, options.samplingPercentage ?? 100);
  }

  /** To an OTLP/gRPC endpoint (an OpenTelemetry Collector). */
  public static openTelemetry(options: OpenTelemetryTracingOptions): Tracing {
    return new Tracing(TracingProvider.OPENTELEMETRY, options.host, options.port ?? OTLP_GRPC_PORT, options.samplingPercentage ?? 100);
  }

  private constructor(
    /** The backend. */
    public readonly provider: TracingProvider,
    /** Host traces are sent to. */
    public readonly collectorHost: string,
    /** Port traces are sent to. */
    public readonly collectorPort: number,
    /** Share of requests traced, 0 to 100. */
    public readonly samplingPercentage: number,
  ) {}

  /**
   * Trace context headers this provider propagates: Datadog's own headers, or
   * W3C Trace Context for OpenTelemetry. Services must propagate the same.
   */
  public get propagation(): 'datadog' | 'tracecontext' {
    return this.provider === TracingProvider.DATADOG ? 'datadog' : 'tracecontext';
  }

  /** The request header that carries the trace id, for access logs. */
  public get traceIdHeader(): string {
    return this.provider === TracingProvider.DATADOG ? 'X-DATADOG-TRACE-ID' : 'TRACEPARENT';
  }
}
