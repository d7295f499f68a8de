/**
 * Where traces go, as one value both the front proxy and the services read
 * (Envoy's spans must join the application's traces, or nobody
 * can tell whether the load balancer or Envoy made a request slow).
 */

/** The Datadog agent's trace intake port (APM, TCP). */
export const DATADOG_APM_PORT = 8126;
/** The Datadog agent's ClusterIP Service as the Datadog Helm chart names it. */
export const DEFAULT_DATADOG_AGENT_SERVICE = 'datadog';
/** The namespace the Datadog agent is installed in by convention. */
export const DEFAULT_DATADOG_AGENT_NAMESPACE = 'datadog';
/** The agent's APM Unix socket, as the Datadog Helm chart and Operator mount it on the node. */
export const DEFAULT_DATADOG_APM_SOCKET = '/var/run/datadog/apm.socket';
/** OTLP over gRPC. */
export const OTLP_GRPC_PORT = 4317;

/** A tracing backend. */
export enum TracingProvider {
  /** The Datadog agent's trace intake. */
  DATADOG = 'datadog',
  /** An OTLP endpoint, such as an OpenTelemetry Collector. */
  OPENTELEMETRY = 'opentelemetry',
}

/** A trace context format carried in request headers. */
export enum PropagationStyle {
  /** Datadog headers: `x-datadog-trace-id`, `x-datadog-parent-id` and the others. */
  DATADOG = 'datadog',
  /** W3C Trace Context: `traceparent`, `tracestate`. */
  TRACECONTEXT = 'tracecontext',
  /** W3C Baggage. */
  BAGGAGE = 'baggage',
}

/** Options of {@link DatadogAgent.clusterService}. */
export interface DatadogAgentServiceOptions {
  /**
   * The agent's Service.
   * @default 'datadog'
   */
  readonly service?: string;
  /**
   * The Service's namespace.
   * @default 'datadog'
   */
  readonly namespace?: string;
  /**
   * The trace intake port.
   * @default 8126
   */
  readonly port?: number;
}

/** How workloads reach the Datadog agent's trace intake. */
export class DatadogAgent {
  /**
   * Through the agent's ClusterIP Service (the default). The only mode the
   * front proxy can use: Envoy's static config cannot read the node's IP
   * from an environment variable, and a ConfigMap cannot take Downward API
   * values (kubernetes.io/docs/concepts/workloads/pods/downward-api).
   */
  public static clusterService(options: DatadogAgentServiceOptions = {}): DatadogAgent {
    const service = options.service ?? DEFAULT_DATADOG_AGENT_SERVICE;
    const namespace = options.namespace ?? DEFAULT_DATADOG_AGENT_NAMESPACE;
    return new DatadogAgent('cluster-service', `${service}.${namespace}.svc.cluster.local`, options.port ?? DATADOG_APM_PORT, undefined);
  }

  /**
   * Through the node's IP (`status.hostIP` from the Downward API). Traces stay
   * on the node, but the agent's DaemonSet must expose 8126 with a hostPort
   * (`datadog.apm.portEnabled` in the Helm chart).
   */
  public static hostIp(port: number = DATADOG_APM_PORT): DatadogAgent {
    return new DatadogAgent('host-ip', undefined, port, undefined);
  }

  /**
   * Through the agent's Unix socket, mounted read-only from the node
   * (`hostPath`). No network hop and no hostPort, but the pod then uses a
   * hostPath volume, which the Pod Security Standards "restricted" profile forbids.
   */
  public static unixSocket(path: string = DEFAULT_DATADOG_APM_SOCKET): DatadogAgent {
    return new DatadogAgent('unix-socket', undefined, undefined, path);
  }

  private constructor(
    /** Which way the agent is reached. */
    public readonly mode: 'cluster-service' | 'host-ip' | 'unix-socket',
    /** The Service's DNS name, in cluster-service mode. */
    public readonly host: string | undefined,
    /** The APM port, in cluster-service and host-ip modes. */
    public readonly port: number | undefined,
    /** The socket path, in unix-socket mode. */
    public readonly socketPath: string | undefined,
  ) {}
}

/** Options of {@link Tracing.datadog}. */
export interface DatadogTracingOptions {
  /**
   * How workloads reach the agent.
   * @default DatadogAgent.clusterService()
   */
  readonly agent?: DatadogAgent;
  /**
   * The environment (`DD_ENV`, `tags.datadoghq.com/env`) for unified service
   * tagging. Required, for services and for the front proxy (its own spans are tagged too).
   * @default - none
   */
  readonly env?: string;
  /**
   * Share of requests traced, 0 to 100. Envoy's own default is 100; lower it
   * when tracing's cost has been measured to matter.
   * @default 100
   */
  readonly samplingPercentage?: number;
  /**
   * Let the Datadog admission controller inject the agent address and the
   * unified service tags: the pods get `admission.datadoghq.com/enabled: "true"`
   * and the library does not write the variables the controller injects.
   * @default false
   */
  readonly admissionController?: boolean;
}

/** Something that receives OTLP over gRPC, such as an {@link OtelCollector}. */
export interface IOtlpGrpcEndpoint {
  /** Host name of the OTLP/gRPC receiver. */
  readonly otlpGrpcHost: string;
  /** Its port. */
  readonly otlpGrpcPort: number;
}

/** Options of {@link Tracing.openTelemetry}. */
export interface OpenTelemetryTracingOptions {
  /**
   * The collector to send to. Give `collector` or `host`.
   * @default - the `host`
   */
  readonly collector?: IOtlpGrpcEndpoint;
  /**
   * Host of an OTLP/gRPC endpoint.
   * @default - the collector's
   */
  readonly host?: string;
  /**
   * Port of `host`.
   * @default 4317
   */
  readonly port?: number;
  /**
   * Share of requests traced, 0 to 100.
   * @default 100
   */
  readonly samplingPercentage?: number;
  /**
   * The environment, as the `deployment.environment.name` resource attribute.
   * @default - none
   */
  readonly env?: string;
}

/** Where and how traces are sent. */
export class Tracing {
  /** To the Datadog agent, through its ClusterIP Service unless another mode is chosen. */
  public static datadog(options: DatadogTracingOptions = {}): Tracing {
    const agent = options.agent ?? DatadogAgent.clusterService();
    return new Tracing(TracingProvider.DATADOG, options.samplingPercentage ?? 100, options.env, agent.host, agent.port, agent, options.admissionController ?? false);
  }

  /** To an OTLP/gRPC endpoint (an OpenTelemetry Collector). */
  public static openTelemetry(options: OpenTelemetryTracingOptions): Tracing {
    // Checked where it is used (a service, the front proxy, a mesh), so that a mistake names the construct.
    const host = options?.collector?.otlpGrpcHost ?? options?.host;
    const port = options?.collector?.otlpGrpcPort ?? options?.port ?? OTLP_GRPC_PORT;
    return new Tracing(TracingProvider.OPENTELEMETRY, options?.samplingPercentage ?? 100, options?.env, host, port, undefined, false);
  }

  private constructor(
    /** The backend. */
    public readonly provider: TracingProvider,
    /** Share of requests traced, 0 to 100. */
    public readonly samplingPercentage: number,
    /** The environment tag, if given. */
    public readonly env: string | undefined,
    /** Host traces are sent to over the network, if the mode has one. */
    public readonly collectorHost: string | undefined,
    /** Port traces are sent to over the network, if the mode has one. */
    public readonly collectorPort: number | undefined,
    /** How the Datadog agent is reached (Datadog only). */
    public readonly datadogAgent: DatadogAgent | undefined,
    /** Whether the Datadog admission controller injects the wiring (Datadog only). */
    public readonly admissionController: boolean,
  ) {}

  /**
   * Trace context a service traced this way reads and writes: Datadog
   * services are set to both Datadog headers and W3C Trace Context;
   * OpenTelemetry services to W3C Trace Context and Baggage.
   */
  public get servicePropagation(): PropagationStyle[] {
    return this.provider === TracingProvider.DATADOG
      ? [PropagationStyle.DATADOG, PropagationStyle.TRACECONTEXT]
      : [PropagationStyle.TRACECONTEXT, PropagationStyle.BAGGAGE];
  }

  /** Trace context the front proxy writes towards its upstreams with this tracing. */
  public get proxyPropagation(): PropagationStyle {
    return this.provider === TracingProvider.DATADOG ? PropagationStyle.DATADOG : PropagationStyle.TRACECONTEXT;
  }

  /** The request header that carries the trace id, for access logs. */
  public get traceIdHeader(): string {
    return this.provider === TracingProvider.DATADOG ? 'X-DATADOG-TRACE-ID' : 'TRACEPARENT';
  }
}
