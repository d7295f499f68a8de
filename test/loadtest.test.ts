import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { FORTIO_IMAGE, LoadTest, MockBackend, NGINX_UNPRIVILEGED_IMAGE, ObservableService, Protocol, ProxyBenchmark } from '../lib';
import { fortioLoadArgs } from '../lib/loadtest/fortio';
import { nginxConfig } from '../lib/loadtest/mock-backend';
import { constructError } from './support/errors';
import { fortioLoadArgsError } from './support/fortio-flags';
import { kubernetesSchemaErrors } from './support/kubernetes-schema';
import { Manifest, synth } from './support/synth';

function chart() {
  return new Chart(Testing.app(), 'test', { namespace: 'loadtest' });
}

describe('Fortio arguments', () => {
  test('an HTTP service: rate, connections, duration, payload, headers, percentiles, JSON to stdout, the URL', () => {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: 'a/web:1', port: 8080 });
    const args = fortioLoadArgs({ service: web, path: '/v1/items' }, {
      qps: 300, connections: 16, duration: Duration.minutes(5), payloadSize: 512, headers: { 'X-Test': 'yes', Authorization: 'none' }, percentiles: [50, 99, 99.9], timeout: Duration.seconds(2),
    });
    expect(args).toEqual(['load', '-qps', '300', '-c', '16', '-t', '300s', '-payload-size', '512', '-H', 'Authorization: none', '-H', 'X-Test: yes', '-p', '50,99,99.9',
      '-timeout', '2000ms', '-json', '-', 'http://web.loadtest.svc.cluster.local:8080/v1/items']);
    expect(fortioLoadArgsError(args)).toBeUndefined();
  });

  test('headers are ordered by code unit, the same under every locale (localeCompare would put "a-id" before "X-Test")', () => {
    const web = new ObservableService(chart(), 'web', { image: 'a/web:1', port: 8080 });
    const args = fortioLoadArgs({ service: web }, { qps: 10, headers: { 'x-trace': '1', 'a-id': '2', 'X-Test': '3' } });
    expect(args.filter((_a, i) => args[i - 1] === '-H')).toEqual(['X-Test: 3', 'a-id: 2', 'x-trace: 1']);
  });

  test('a gRPC service: the health protocol on its readiness service, host:port target', () => {
    const c = chart();
    const ledger = new ObservableService(c, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC });
    const args = fortioLoadArgs({ service: ledger }, { qps: 1000 });
    expect(args.slice(-4)).toEqual(['-grpc', '-healthservice', 'readiness', 'ledger.loadtest.svc.cluster.local:9090']);
    expect(fortioLoadArgsError(args)).toBeUndefined();
  });

  test("a gRPC service through one of its own methods, with the health load kept as the default", () => {
    const c = chart();
    const ledger = new ObservableService(c, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC });
    const args = fortioLoadArgs({ service: ledger, grpcMethod: 'ledger.v1.Ledger/GetBalance' }, { qps: 1000 });
    expect(args.slice(-4)).toEqual(['-grpc', '-grpc-method', 'ledger.v1.Ledger/GetBalance', 'ledger.loadtest.svc.cluster.local:9090']);
    expect(args).not.toContain('-healthservice');
    expect(fortioLoadArgsError(args)).toBeUndefined();
    new LoadTest(c, 'ledger-load', { target: { service: ledger, grpcMethod: 'ledger.v1.Ledger/GetBalance' }, qps: 100 });
    expect(synth(c).find((m) => m.kind === 'Job')!.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['-grpc-method', 'ledger.v1.Ledger/GetBalance']));
  });

  test('a gRPC method on an HTTP service, or a name that is no full method name, is an error', () => {
    const c = chart();
    const web = new ObservableService(c, 'web', { image: 'a/web:1', port: 8080 });
    const ledger = new ObservableService(c, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC });
    expect(constructError(() => new LoadTest(c, 'a', { target: { service: web, grpcMethod: 'web.v1.Web/Get' }, qps: 1 })).problems.map((p) => p.prop)).toEqual(['target.grpcMethod']);
    expect(constructError(() => new LoadTest(c, 'b', { target: { service: ledger, grpcMethod: 'GetBalance' }, qps: 1 })).message).toMatch(/must be a full method name, package.Service\/Method/);
  });

  test('the grammar check rejects what fortio would', () => {
    expect(fortioLoadArgsError(['load', '-qps', 'fast', 'http://x'])).toMatch(/-qps has an invalid value/);
    expect(fortioLoadArgsError(['load', '-duration', '5s', 'http://x'])).toMatch(/-duration is not a fortio load flag/);
    expect(fortioLoadArgsError(['load', '-grpc', 'http://x'])).toMatch(/not a host:port/);
  });
});

describe('LoadTest Job', () => {
  function job(props: Partial<ConstructorParameters<typeof LoadTest>[2]> = {}) {
    const c = chart();
    new LoadTest(c, 'web-load', { target: { url: 'http://web.loadtest.svc.cluster.local:8080/' }, qps: 100, ...props });
    return synth(c).find((m) => m.kind === 'Job')!;
  }

  test('runs once and goes away: backoffLimit 0, a TTL, restartPolicy Never', () => {
    const j = job();
    expect(j.spec.backoffLimit).toBe(0);
    expect(j.spec.ttlSecondsAfterFinished).toBe(3600);
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    expect(kubernetesSchemaErrors(j)).toEqual([]);
  });

  test('secure defaults and a pinned Fortio', () => {
    const j = job();
    const c = j.spec.template.spec.containers[0];
    expect(c.image).toBe(FORTIO_IMAGE);
    expect(c.image).toMatch(/^fortio\/fortio:\d+\.\d+\.\d+$/);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(j.spec.template.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(j.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(fortioLoadArgsError(c.args)).toBeUndefined();
  });

  test('with mesh: the sidecar is injected as a native sidecar so the Job completes', () => {
    const meta = job({ mesh: true }).spec.template.metadata;
    expect(meta.labels['sidecar.istio.io/inject']).toBe('true');
    expect(meta.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
    expect(job().spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
  });

  test('bad input names the prop', () => {
    expect(constructError(() => job({ qps: -1 })).problems[0].prop).toBe('qps');
    expect(constructError(() => job({ connections: 0 })).problems[0].prop).toBe('connections');
    expect(constructError(() => job({ headers: { 'Bad Header': 'x' } })).problems[0].prop).toBe('headers.Bad Header');
    expect(constructError(() => job({ target: { url: 'ftp://x' } })).problems[0].prop).toBe('target.url');
  });
});

const nginx = spawnSync('nginx', ['-v']).status === 0 ? 'nginx' : undefined;

describe('MockBackend', () => {
  function mock(routes = [{ path: '/v1/rates/JP-13', body: '{"rate":"10%","note":"a \\"quoted\\" word"}' }, { path: '/v1/down', status: 503, body: 'maintenance' }]) {
    const c = chart();
    const m = new MockBackend(c, 'tax-rates', { routes });
    return { m, manifests: synth(c) };
  }

  test('the generated config passes a real nginx -t', () => {
    if (!nginx) {
      // CI installs nginx (see .ci/run); a developer machine without it cannot run this check.
      if (process.env.CI) throw new Error('nginx is not installed: .ci/run installs Debian\'s nginx-light');
      console.warn('nginx not installed: skipping nginx -t (apt-get install nginx-light)');
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-'));
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, mock().m.config);
    const result = spawnSync(nginx, ['-t', '-q', '-p', dir, '-c', file], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('nginx -t catches a broken config (the check can fail)', () => {
    if (!nginx) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-'));
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, mock().m.config.replace('return 404;', 'return 404'));
    expect(spawnSync(nginx, ['-t', '-q', '-p', dir, '-c', file]).status).not.toBe(0);
  });

  test('one exact location per route with its status, type and escaped body; 404 otherwise', () => {
    const config = nginxConfig([{ path: '/a', status: 201, body: 'say "hi"', contentType: 'text/plain' }], 8080);
    expect(config).toContain('location = /a {\n      default_type text/plain;\n      return 201 "say \\"hi\\"";\n    }');
    expect(config).toContain('location / {\n      return 404;');
    expect(config).toContain('pid /tmp/nginx.pid;');
  });

  test('non-root nginx-unprivileged with a read-only root and /tmp, config mounted from the ConfigMap', () => {
    const { manifests } = mock();
    const d = manifests.find((x) => x.kind === 'Deployment')!;
    const c = d.spec.template.spec.containers[0];
    expect(c.image).toBe(NGINX_UNPRIVILEGED_IMAGE);
    expect(c.securityContext).toMatchObject({ runAsUser: 101, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/etc/nginx/mock', name: 'mock-config', readOnly: true }]));
    expect(c.command).toEqual(['nginx', '-g', 'daemon off;', '-c', '/etc/nginx/mock/nginx.conf']);
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });

  test("bad input: a '$' in a body, a probe path, a duplicate, a low port", () => {
    const c = chart();
    expect(constructError(() => new MockBackend(c, 'a', { routes: [{ path: '/x', body: 'costs $5' }] })).problems[0].prop).toBe('routes[0].body');
    expect(constructError(() => new MockBackend(c, 'b', { routes: [{ path: '/ready', body: 'x' }] })).problems[0].prop).toBe('routes[0].path');
    expect(constructError(() => new MockBackend(c, 'd', { routes: [{ path: '/x', body: '1' }, { path: '/x', body: '2' }] })).problems[0].prop).toBe('routes[1].path');
    expect(constructError(() => new MockBackend(c, 'e', { routes: [{ path: '/x', body: '1' }], port: 80 })).problems[0].prop).toBe('port');
  });
});

describe('ProxyBenchmark', () => {
  test('a Fortio server with and one without the sidecar, and a client Job against each at the same load', () => {
    const c = chart();
    new ProxyBenchmark(c, 'bench');
    const manifests = synth(c);
    const servers = manifests.filter((m) => m.kind === 'Deployment');
    const label = (d: Manifest) => d.spec.template.metadata.labels['sidecar.istio.io/inject'];
    expect(servers.map((d) => [d.metadata.name, label(d)])).toEqual([['fortio-baseline', 'false'], ['fortio-mesh', 'true']]);
    const jobs = manifests.filter((m) => m.kind === 'Job');
    const args = jobs.map((j) => j.spec.template.spec.containers[0].args as string[]);
    expect(args.map((a) => a[a.length - 1])).toEqual(['http://fortio-baseline.loadtest.svc.cluster.local:8080/echo', 'http://fortio-mesh.loadtest.svc.cluster.local:8080/echo']);
    expect(args[0].slice(0, -1)).toEqual(args[1].slice(0, -1));
    for (const a of args) expect(fortioLoadArgsError(a)).toBeUndefined();
    expect(args[0]).toEqual(expect.arrayContaining(['-qps', '1000', '-payload-size', '1024']));
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });
});
