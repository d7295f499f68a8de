/**
 * A picture of a chart: load balancer → front proxy → services, the health
 * checks between them with their paths, where traces go, and, where a
 * NetworkIsolation isolates the workloads, the flows its policies allow
 * (thick arrows; a flow not drawn is denied), as a Mermaid flowchart in
 * Markdown. People read a diagram faster than YAML, and it renders in pull requests.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ServiceType } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { afterSynthesis, watchSynthesisCalls } from '../common/synthesis';
import { FrontEnvoy } from '../envoy/front-envoy';
import { MockBackend } from '../loadtest/mock-backend';
import { FlowPeer, PeerKind } from '../network/flows';
import { NetworkIsolation } from '../network/network-isolation';
import { ObservableService } from '../service/observable-service';
import { Protocol } from '../service/protocol';
import { OtelCollector } from '../telemetry/otel-collector';
import { Tracing, TracingProvider } from '../telemetry/tracing';

/** A Mermaid node id from any name. */
function id(kind: string, name: string): string {
  return `${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Characters written as they are in a label; any other is written as a Mermaid entity code. */
const LABEL_SAFE = /[A-Za-z0-9 .,:;/_+=@%()·-]/;

/**
 * A Mermaid label: quoted, its lines joined by `<br/>`. Each line may hold
 * user input (names, paths, hosts), so every character outside a plain set
 * is written as a Mermaid entity code (`#60;` for `<`; mermaid.js.org,
 * flowchart syntax, "Entity codes to escape characters"): no input can end
 * the label or the diagram, close the Markdown fence (a backtick), break a
 * line, or open HTML.
 */
function label(...lines: string[]): string {
  const escape = (line: string) => [...line].map((c) => (LABEL_SAFE.test(c) ? c : `#${c.codePointAt(0)};`)).join('');
  return `"${lines.map(escape).join('<br/>')}"`;
}

/**
 * Text for Markdown outside the diagram (the title): control characters as
 * spaces, and the characters Markdown or HTML give a meaning to as numeric
 * character references, so the text renders as written.
 */
function markdownText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ').replace(/[\\`*_[\]<>#|&~]/g, (c) => `&#${c.codePointAt(0)};`);
}

function describeService(s: ObservableService): string[] {
  const kind = s.headless ? 'headless Service' : `${s.service.type === ServiceType.LOAD_BALANCER ? 'LoadBalancer' : 'ClusterIP'} Service`;
  const protocol = s.protocol === Protocol.GRPC ? 'gRPC (HTTP/2)' : 'HTTP/1.1';
  return [s.name, `${protocol} · ${kind} :${s.port}`];
}

/** The Mermaid flowchart of everything under `scope`. */
export function renderTopology(scope: IConstruct): string {
  const all = scope.node.findAll();
  const fronts = all.filter((c): c is FrontEnvoy => c instanceof FrontEnvoy);
  const proxies = new Set(fronts.map((f) => f.proxy));
  // Services in the scope, and those a front proxy here routes to from other charts.
  const services = [...new Set([...all.filter((c): c is ObservableService => c instanceof ObservableService), ...fronts.flatMap((f) => f.services)])]
    .filter((s) => !proxies.has(s));
  const collectors = all.filter((c): c is OtelCollector => c instanceof OtelCollector);
  const mocks = all.filter((c): c is MockBackend => c instanceof MockBackend);
  const lines = ['flowchart LR'];
  const edges = new Set<string>();
  const edge = (line: string) => edges.add(`  ${line}`);

  for (const s of services) lines.push(`  ${id('svc', s.dnsName)}[${label(...describeService(s))}]`);
  for (const m of mocks) lines.push(`  ${id('svc', m.dnsName)}[${label(`${m.service.name} (nginx mock)`, 'HTTP/1.1 · ClusterIP Service')}]`);
  for (const f of fronts) {
    const front = id('envoy', f.proxy.dnsName);
    const lb = id('lb', f.proxy.dnsName);
    const exposed = f.proxy.service.type === ServiceType.LOAD_BALANCER ? 'load balancer' : 'clients';
    const pods = f.proxy.replicas.min === f.proxy.replicas.max ? `${f.proxy.replicas.min}` : `${f.proxy.replicas.min}-${f.proxy.replicas.max}`;
    lines.push(`  ${lb}([${label(exposed)}])`, `  ${front}[${label(`FrontEnvoy ${f.proxy.name}`, `${pods} pods · :${f.proxy.port}`)}]`);
    edge(`${lb} -->|${label(`requests :${f.proxy.port}`)}| ${front}`);
    edge(`${lb} -.->|${label(`health check GET ${f.healthPath} (answered by Envoy)`)}| ${front}`);
    const every = `every ${f.activeHealthCheck.intervalMs / 1000}s`;
    for (const u of f.upstreams) {
      const target = id('svc', u.host);
      edge(`${front} -->|${label(u.http2 ? 'HTTP/2' : 'HTTP/1.1')}| ${target}`);
      edge(`${front} -.->|${label(`active check ${u.healthCheck.grpcService !== undefined ? `gRPC ${u.healthCheck.grpcService}` : `GET ${u.healthCheck.httpPath}`} ${every}`)}| ${target}`);
    }
    const monitoring = Object.entries(f.externalHealthPaths);
    if (monitoring.length > 0) {
      const mon = id('monitoring', f.proxy.dnsName);
      lines.push(`  ${mon}([${label('external monitoring')}])`);
      for (const [, p] of monitoring) edge(`${mon} -.->|${label(`GET ${p}`)}| ${front}`);
    }
    if (f.tracing) edge(`${front} -->|${label('spans')}| ${tracingNode(f.tracing, collectors, lines)}`);
  }
  for (const s of services) {
    const node = id('svc', s.dnsName);
    const probes = s.protocol === Protocol.GRPC ? `gRPC ${s.health.live}, ${s.health.ready}` : `GET ${s.health.live}, ${s.health.ready}`;
    edge(`${id('kubelet', 'all')} -.->|${label(probes)}| ${node}`);
    if (s.tracing) edge(`${node} -->|${label('spans')}| ${tracingNode(s.tracing, collectors, lines)}`);
  }
  if (services.length > 0) lines.push(`  ${id('kubelet', 'all')}([${label('kubelet probes')}])`);
  for (const c of collectors) {
    lines.push(`  ${id('collector', c.dnsName)}[(${label('OpenTelemetry Collector', `${c.otlpGrpcHost}:${c.otlpGrpcPort}`)})]`);
    for (const exporter of Object.keys(c.config.exporters ?? {})) {
      const backend = id('backend', `${c.dnsName}_${exporter}`);
      lines.push(`  ${backend}[(${label(exporter)})]`);
      edge(`${id('collector', c.dnsName)} -->|${label('OTLP')}| ${backend}`);
    }
  }
  for (const isolation of all.filter((c): c is NetworkIsolation => c instanceof NetworkIsolation)) {
    lines.push(`  %% ${isolation.node.path}: default deny in ${isolation.namespaces.join(', ')}; the flows allowed are the thick arrows`);
    for (const f of isolation.flows) {
      edge(`${peerNode(f.from, f.port, lines)} ==>|${label(`allow ${f.protocol} ${f.port} (${f.purpose})`)}| ${peerNode(f.to, f.port, lines)}`);
    }
  }
  return [...new Set(lines), ...[...edges]].join('\n');
}

/**
 * The node of a flow end: the node already drawn for the workload or the
 * tracing backend it names, or a node of its own, declared once.
 */
function peerNode(peer: FlowPeer, port: number, lines: string[]): string {
  const drawn = (candidate: string) => lines.some((l) => l.startsWith(`  ${candidate}[`) || l.startsWith(`  ${candidate}(`));
  if (peer.dnsName) {
    const candidates = [id('envoy', peer.dnsName), id('svc', peer.dnsName), id('collector', peer.dnsName), id('datadog', `${peer.dnsName}:${port}`)];
    const existing = candidates.find(drawn);
    if (existing) return existing;
  }
  const text = peer.kind === PeerKind.PODS ? `${peer.name}${peer.dnsName ? '' : ` (${peer.namespace})`}` : peer.name;
  const node = id(peer.kind === PeerKind.PODS ? 'pods' : peer.kind, peer.kind === PeerKind.PODS ? `${peer.namespace}_${peer.name}` : peer.name);
  lines.push(`  ${node}([${label(text)}])`);
  return node;
}

/** The node traces go to, declared once. */
function tracingNode(tracing: Tracing, collectors: OtelCollector[], lines: string[]): string {
  if (tracing.provider === TracingProvider.DATADOG) {
    const agent = tracing.datadogAgent;
    const where = agent?.mode === 'cluster-service' ? `${agent.host}:${agent.port}` : agent?.mode === 'host-ip' ? `node IP :${agent.port}` : `socket ${agent?.socketPath}`;
    const node = id('datadog', where);
    lines.push(`  ${node}[(${label('Datadog agent', where)})]`);
    return node;
  }
  const collector = collectors.find((c) => c.otlpGrpcHost === tracing.collectorHost);
  if (collector) return id('collector', collector.dnsName);
  const node = id('collector', tracing.collectorHost ?? 'otlp');
  lines.push(`  ${node}[(${label('OTLP endpoint', `${tracing.collectorHost}:${tracing.collectorPort}`)})]`);
  return node;
}

/** The diagram as a Markdown document: the title, escaped, and the flowchart in one mermaid fence. */
export function topologyMarkdown(title: string, scope: IConstruct): string {
  return `# ${markdownText(title)}\n\n\`\`\`mermaid\n${renderTopology(scope)}\n\`\`\`\n`;
}

/**
 * Writes `<outdir>/<chart id>.topology.md` when the app synthesizes: a
 * Mermaid diagram of everything in the scope it is added to (usually a chart).
 *
 * The file is written once per synthesis, after the manifests, as the
 * synthesis call (`app.synth()`, `app.synthYaml()`, or the chart's
 * `toJson()`) returns. Synthesized through another chart's `toJson()`, the
 * app writes it when the task yields, at the next microtask.
 */
export class TopologyDiagram extends Construct {
  /** The file name, in the app's output directory. */
  public readonly fileName: string;

  constructor(scope: Construct, id: string = 'Topology') {
    super(scope, id);
    this.fileName = `${scope.node.id}.topology.md`;
    watchSynthesisCalls(this);
    this.node.addValidation({
      validate: () => {
        afterSynthesis(this, `topology:${this.node.path}`, () => {
          const outdir = App.of(this).outdir;
          fs.mkdirSync(outdir, { recursive: true });
          fs.writeFileSync(path.join(outdir, this.fileName), this.render());
        });
        return [];
      },
    });
  }

  /** The Markdown document. */
  public render(): string {
    const scope = this.node.scope as IConstruct;
    return topologyMarkdown(`Topology of ${scope.node.id}`, scope);
  }
}
