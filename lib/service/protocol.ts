/**
 * The application protocol a service speaks, and what follows from it for the
 * Service kind, port naming and health checks.
 */
export class Protocol {
  /**
   * HTTP/1.1. The service sits behind a ClusterIP Service: a proxy sees one
   * virtual IP and kube-proxy spreads the connections, which is enough for
   * short-lived HTTP/1.1 requests.
   */
  public static readonly HTTP = new Protocol('http', false, false);

  /**
   * gRPC (HTTP/2). The service sits behind a headless Service
   * (`clusterIP: None`) so that a proxy resolving its DNS name sees every pod
   * and balances requests per pod; behind one virtual IP a long-lived HTTP/2
   * connection would pin all requests to one pod. Probes are native
   * Kubernetes gRPC probes.
   */
  public static readonly GRPC = new Protocol('grpc', true, true);

  private constructor(
    /** Port name and `appProtocol`, which Istio reads for protocol selection. */
    public readonly name: 'http' | 'grpc',
    /** Whether the Service is headless. */
    public readonly headless: boolean,
    /** Whether the upstream speaks HTTP/2. */
    public readonly http2: boolean,
  ) {}
}
