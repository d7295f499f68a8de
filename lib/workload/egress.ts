import { exceptError, fqdnError, fqdnMatches, ipInCidr, parseCidr, parseIp, portError } from '../common/addresses';
import { PropChecker } from '../common/errors';
import { frozenList } from '../common/frozen';
import { lineTextError } from '../common/text';

/** The transport protocol of a rule or a flow. */
export enum TransportProtocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
}

/** Options of {@link EgressRule.fqdn}. */
export interface EgressRuleOptions {
  /** The destination ports, each from 1 to 65535; at least one. */
  readonly ports: number[];
  /**
   * The transport protocol.
   * @default TransportProtocol.TCP
   */
  readonly protocol?: TransportProtocol;
  /**
   * Why the pods call the destination, for the diagram and the flow list.
   * @default 'external'
   */
  readonly purpose?: string;
}

/** Options of {@link EgressRule.cidr}. */
export interface CidrEgressRuleOptions extends EgressRuleOptions {
  /**
   * Blocks strictly inside the CIDR block that stay denied.
   * @default - none
   */
  readonly except?: string[];
}

/**
 * A destination outside the cluster that a workload's pods may reach: an IP
 * block (any CNI), or a DNS name (only a CNI that resolves names in policy,
 * such as Cilium; see `NetworkIsolation`'s `fqdnPolicy`).
 */
export class EgressRule {
  /** An IPv4 or IPv6 block, such as a database subnet or a vendor's published range. */
  public static cidr(cidr: string, options: CidrEgressRuleOptions): EgressRule {
    // Checked by the workload that takes the rule, so that a mistake names the construct.
    return new EgressRule('cidr', cidr, [...(options?.except ?? [])], options ?? { ports: [] });
  }

  /**
   * A DNS name (`api.example.com`), or every name one label below a domain
   * (`*.example.com`). Kubernetes NetworkPolicy has no such peer; a CNI that
   * watches DNS answers (Cilium's `toFQDNs`) enforces it.
   */
  public static fqdn(name: string, options: EgressRuleOptions): EgressRule {
    return new EgressRule('fqdn', typeof name === 'string' ? name.toLowerCase() : name, [], options ?? { ports: [] });
  }

  /** The destination's ports. */
  public readonly ports: number[];
  /** The transport protocol. */
  public readonly protocol: TransportProtocol;
  /** Why the pods call the destination. */
  public readonly purpose: string;

  private constructor(
    /** An IP block or a DNS name. */
    public readonly kind: 'cidr' | 'fqdn',
    /** The CIDR block, or the DNS name (lower case). */
    public readonly destination: string,
    /** Blocks inside the CIDR block that stay denied. */
    public readonly except: string[],
    options: EgressRuleOptions,
  ) {
    this.ports = frozenList([...(options.ports ?? [])]);
    this.protocol = options.protocol ?? TransportProtocol.TCP;
    this.purpose = options.purpose ?? 'external';
    Object.freeze(this.except);
  }

  /**
   * Whether the rule lets the pods reach `host:port` over TCP. A DNS name is
   * matched by name; an IP block covers an address inside it, and is taken to
   * cover a name it is declared for (the library cannot resolve names).
   */
  public covers(host: string, port: number): boolean {
    if (this.protocol !== TransportProtocol.TCP || !this.ports.includes(port)) return false;
    const ip = parseIp(host);
    if (this.kind === 'fqdn') return ip === undefined && fqdnMatches(this.destination, host);
    if (!ip) return true;
    const block = parseCidr(this.destination);
    const excepts = this.except.map(parseCidr);
    return typeof block !== 'string' && ipInCidr(ip, block) && !excepts.some((e) => typeof e !== 'string' && ipInCidr(ip, e));
  }
}

/** Checks each rule's block or name, its exceptions and its ports; problems go under `prop[i]`. */
export function checkEgressRules(checker: PropChecker, prop: string, rules: readonly EgressRule[]): void {
  rules.forEach((rule, i) => {
    const at = `${prop}[${i}]`;
    if (rule.kind === 'cidr') {
      checkCidr(checker, `${at}.cidr`, rule.destination, rule.except, `${at}.except`);
    } else {
      const problem = fqdnError(rule.destination);
      checker.check(problem === undefined, `${at}.fqdn`, problem ?? '', "give a name such as 'api.example.com' or '*.example.com'");
    }
    checker.check(rule.ports.length > 0, `${at}.ports`, 'is empty: the rule would open every port', 'list the ports the destination serves, such as [443]');
    rule.ports.forEach((port, j) => {
      const problem = portError(port);
      checker.check(problem === undefined, `${at}.ports[${j}]`, problem ?? '', 'give the port the destination listens on, such as 443');
    });
    checker.check(new Set(rule.ports).size === rule.ports.length, `${at}.ports`, `(${rule.ports.join(', ')}) lists a port twice`, 'list each port once');
    checker.check(rule.protocol === TransportProtocol.TCP || rule.protocol === TransportProtocol.UDP, `${at}.protocol`, `(${rule.protocol}) must be TCP or UDP`, 'use TransportProtocol.TCP');
    // The purpose labels the flow in the flow list and the diagram: one line.
    const purposeProblem = lineTextError(rule.purpose, 200);
    checker.check(purposeProblem === undefined, `${at}.purpose`, purposeProblem ?? '', "say why in a few words, such as 'payments API'");
  });
}

/**
 * Checks a CIDR block as the API server does for an `ipBlock` (and in its
 * canonical form, with no host bits set), and each exception under `exceptProp[j]`.
 */
export function checkCidr(checker: PropChecker, prop: string, cidr: string, except: readonly string[] = [], exceptProp = 'except'): void {
  const block = parseCidr(cidr);
  if (!checker.check(typeof block !== 'string', prop, typeof block === 'string' ? block : '', 'give the network address and prefix, such as 203.0.113.0/24')) return;
  except.forEach((e, j) => {
    const problem = exceptError(block as Exclude<typeof block, string>, e);
    checker.check(problem === undefined, `${exceptProp}[${j}]`, problem ?? '', `give a block inside ${cidr} with a longer prefix`);
  });
}
