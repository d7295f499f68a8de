/**
 * What stands in front of the front proxy, and what follows from it: the
 * Service Envoy is exposed by, how many X-Forwarded-For entries Envoy may
 * trust, and the load balancer's deregistration delay.
 *
 * Envoy's `xff_num_trusted_hops` with `use_remote_address: true`: with 0 the
 * client address is the downstream peer and any X-Forwarded-For the client
 * wrote is ignored; with N > 0 it is the Nth address from the right of
 * X-Forwarded-For (envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers,
 * x-forwarded-for). A layer-4 load balancer adds no X-Forwarded-For entry, so
 * trusting one there trusts a value the client wrote.
 */
import * as kplus from 'cdk8s-plus-27';

/** The AWS Load Balancer Controller's Service annotations (kubernetes-sigs/aws-load-balancer-controller, docs/guide/service/annotations.md). */
const AWS_LB_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-type';
const AWS_NLB_TARGET_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type';
const AWS_SCHEME = 'service.beta.kubernetes.io/aws-load-balancer-scheme';
const AWS_TARGET_GROUP_ATTRIBUTES = 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes';
const AWS_HEALTHCHECK_PATH = 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path';
const AWS_HEALTHCHECK_PROTOCOL = 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol';
const AWS_IP_ADDRESS_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-ip-address-type';

/** Options of {@link FrontLoadBalancer.awsNlb}. */
export interface AwsNlbOptions {
  /**
   * Reachable from the internet (`internet-facing`) rather than from the VPC only.
   * @default true
   */
  readonly internetFacing?: boolean;
}

/** Options of {@link FrontLoadBalancer.layer7}. */
export interface Layer7Options {
  /**
   * Proxies in front of Envoy that each append one X-Forwarded-For entry
   * (an AWS ALB appends one by default: `routing.http.xff_header_processing.mode: append`).
   * @default 1
   */
  readonly hops?: number;
}

/** Options of {@link FrontLoadBalancer.layer4}. */
export interface Layer4Options {
  /**
   * The cloud's Service annotations for its load balancer.
   * @default - none
   */
  readonly serviceAnnotations?: { readonly [key: string]: string };
}

/** What is in front of a `FrontEnvoy`. */
export class FrontLoadBalancer {
  /**
   * Nothing: clients in the cluster reach Envoy's ClusterIP Service. No
   * X-Forwarded-For entry is trusted.
   */
  public static none(): FrontLoadBalancer {
    return new FrontLoadBalancer('none', 0, kplus.ServiceType.CLUSTER_IP, {});
  }

  /**
   * An AWS Network Load Balancer (layer 4) made by the AWS Load Balancer
   * Controller for Envoy's LoadBalancer Service: IP targets, client IPs
   * preserved (Envoy sees the client as its peer), HTTP health checks on
   * Envoy's own health path, and a deregistration delay that matches Envoy's
   * drain. No X-Forwarded-For entry is trusted: an NLB adds none.
   */
  public static awsNlb(options: AwsNlbOptions = {}): FrontLoadBalancer {
    return new FrontLoadBalancer('aws-nlb', 0, kplus.ServiceType.LOAD_BALANCER, {
      [AWS_LB_TYPE]: 'external',
      [AWS_NLB_TARGET_TYPE]: 'ip',
      [AWS_SCHEME]: options.internetFacing ?? true ? 'internet-facing' : 'internal',
      [AWS_HEALTHCHECK_PROTOCOL]: 'HTTP',
    });
  }

  /**
   * Another cloud's layer-4 load balancer for a LoadBalancer Service, with
   * its annotations. No X-Forwarded-For entry is trusted.
   */
  public static layer4(options: Layer4Options = {}): FrontLoadBalancer {
    return new FrontLoadBalancer('layer4', 0, kplus.ServiceType.LOAD_BALANCER, { ...options.serviceAnnotations });
  }

  /**
   * Layer-7 proxies in front (an AWS ALB through an Ingress, a Google
   * external Application Load Balancer, an ingress controller), each
   * appending one X-Forwarded-For entry: Envoy trusts that many from the
   * right. Envoy's Service stays ClusterIP, for the Ingress to target.
   */
  public static layer7(options: Layer7Options = {}): FrontLoadBalancer {
    return new FrontLoadBalancer('layer7', options.hops ?? 1, kplus.ServiceType.CLUSTER_IP, {});
  }

  private constructor(
    /** Which kind. */
    public readonly kind: 'none' | 'aws-nlb' | 'layer4' | 'layer7',
    /** X-Forwarded-For entries Envoy trusts (`xff_num_trusted_hops`). */
    public readonly trustedHops: number,
    /** The type of Envoy's Service. */
    public readonly serviceType: kplus.ServiceType,
    /** Annotations of Envoy's Service. */
    public readonly serviceAnnotations: Readonly<Record<string, string>>,
  ) {}

  /**
   * The Service annotations for a proxy answering health checks on
   * `healthPath` and draining for `drainSeconds` after it fails them: the
   * load balancer keeps a deregistering target's connections that long.
   */
  public annotationsFor(healthPath: string, drainSeconds: number, family: IpFamily = IpFamily.IPV4): Record<string, string> {
    if (this.kind !== 'aws-nlb') return { ...this.serviceAnnotations };
    return {
      ...this.serviceAnnotations,
      // An NLB is IPv4 unless it is asked for both (ipv4 | dualstack).
      ...(family === IpFamily.IPV4 ? {} : { [AWS_IP_ADDRESS_TYPE]: 'dualstack' }),
      [AWS_HEALTHCHECK_PATH]: healthPath,
      // The target group keeps a deregistering target's connections for the delay (default 300 s);
      // client IPs reach Envoy as the peer address; connections still open at the end are closed.
      [AWS_TARGET_GROUP_ATTRIBUTES]: `deregistration_delay.timeout_seconds=${drainSeconds},deregistration_delay.connection_termination.enabled=true,preserve_client_ip.enabled=true`,
    };
  }
}

/**
 * The Service's `ipFamilyPolicy` and `ipFamilies` for a family (core/v1
 * ServiceSpec; kubernetes.io/docs/concepts/services-networking/dual-stack):
 * none for IPv4, the cluster's default; `RequireDualStack` for both, so that a
 * single-stack cluster refuses the Service rather than quietly serving one family.
 */
export function serviceIpFamilies(family: IpFamily): { ipFamilyPolicy: string; ipFamilies: string[] } | undefined {
  switch (family) {
    case IpFamily.IPV6: return { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] };
    case IpFamily.DUAL_STACK: return { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] };
    default: return undefined;
  }
}

/** The address families Envoy's listeners and upstream lookups use. */
export enum IpFamily {
  /** IPv4 only: listeners on `0.0.0.0`. */
  IPV4 = 'IPv4',
  /** IPv6 only: listeners on `::` (the cluster must give pods IPv6 addresses). */
  IPV6 = 'IPv6',
  /**
   * Both: listeners on `0.0.0.0` and `::` (an additional address, so IPv4
   * clients keep unmapped addresses), and a dual-stack Service (the cluster
   * must be dual-stack, Kubernetes 1.23+).
   */
  DUAL_STACK = 'DualStack',
}
