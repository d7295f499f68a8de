/**
 * What the sidecar costs on the team's own cluster, in the spirit of Istio's
 * benchmark harness (github.com/istio/tools, perf/benchmark): a Fortio client loads a
 * Fortio server, once without sidecars and once with a sidecar on both.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PropChecker } from '../common/errors';
import { ISTIO_INJECT_LABEL, MeshProps, resolveMeshSidecar } from '../istio/sidecar';
import { ObservableService } from '../service/observable-service';
import { FORTIO_IMAGE, LoadTest, checkLoadOptions } from './fortio';

/** Props of {@link ProxyBenchmark}. */
export interface ProxyBenchmarkProps {
  /**
   * Requests per second each client holds.
   * @default 1000 - Istio's published figures are per 1000 req/s
   */
  readonly qps?: number;
  /**
   * Parallel connections of each client.
   * @default 16
   */
  readonly connections?: number;
  /**
   * How long each run lasts.
   * @default 5 minutes
   */
  readonly duration?: Duration;
  /**
   * Random payload bytes per request.
   * @default 1024 - Istio's benchmark uses 1 KB payloads
   */
  readonly payloadSize?: number;
  /**
   * The sidecar options of the mesh run.
   * @default {}
   */
  readonly mesh?: MeshProps;
}

/**
 * Two Fortio servers (`fortio-baseline` without a sidecar, `fortio-mesh` with
 * one) and two Fortio client Jobs at the same load. Compare the clients' p50,
 * p90 and p99 and the istio-proxy containers' CPU and memory: that difference
 * is the proxy's cost, to replace the sizing model with (SidecarSizing.measured).
 */
export class ProxyBenchmark extends Construct {
  /** The Fortio server without a sidecar. */
  public readonly baselineServer: ObservableService;
  /** The Fortio server with a sidecar. */
  public readonly meshServer: ObservableService;
  /** The client Job loading the baseline server, without a sidecar. */
  public readonly baselineClient: LoadTest;
  /** The client Job loading the mesh server, with a sidecar. */
  public readonly meshClient: LoadTest;

  constructor(scope: Construct, id: string, props: ProxyBenchmarkProps = {}) {
    super(scope, id);
    const load = {
      qps: props.qps ?? 1000,
      connections: props.connections ?? 16,
      duration: props.duration ?? Duration.minutes(5),
      payloadSize: props.payloadSize ?? 1024,
    };
    // Checked here, under this construct's props, before any server exists.
    const checker = new PropChecker(this);
    checkLoadOptions(checker, load);
    resolveMeshSidecar(checker, props.mesh ?? {}, undefined);
    checker.throwIfAny();

    const server = (name: string, mesh: MeshProps | undefined) => new ObservableService(this, name, {
      image: FORTIO_IMAGE,
      port: 8080,
      args: ['server', '-http-port', '8080', '-grpc-port', 'disabled', '-redirect-port', 'disabled', '-tcp-port', 'disabled', '-udp-port', 'disabled'],
      component: 'benchmark-server',
      mesh,
      // Fortio's echo server answers every path; the probes just see it serve.
      health: { endpoints: { live: '/live', ready: '/ready', healthz: '/healthz' } },
      replicas: 2,
    });
    this.baselineServer = server('fortio-baseline', undefined);
    // Explicit, so a namespace with injection on still runs the baseline without a proxy.
    this.baselineServer.deployment.podMetadata.addLabel(ISTIO_INJECT_LABEL, 'false');
    this.meshServer = server('fortio-mesh', props.mesh ?? {});
    this.baselineClient = new LoadTest(this, 'benchmark-baseline', { ...load, target: { service: this.baselineServer, path: '/echo' }, mesh: false });
    this.meshClient = new LoadTest(this, 'benchmark-mesh', { ...load, target: { service: this.meshServer, path: '/echo' }, mesh: true });
  }
}
