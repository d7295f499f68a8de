import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Level, ObservableService, ProductionReadiness, ProductionReadinessValidation } from '../lib';
import { evaluate } from '../lib/readiness/engine';
import { formatTable, reportJson } from '../lib/readiness/reports';
import { Manifest } from './support/synth';

/** A pod with an unpinned image, carrying the given annotations. */
function pod(annotations: Record<string, string>): Manifest {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', annotations },
    spec: { containers: [{ name: 'app', image: 'app:latest' }] },
  };
}

function run(annotations: Record<string, string>) {
  const manifest = pod(annotations);
  const suppressions = new Map(Object.entries(annotations).map(([k, v]) => [k.replace('observable.cdk8s.io/suppress.', ''), v]));
  return evaluate([{ manifest, suppressions }]);
}

describe('a suppression counts only with a written reason', () => {
  test.each([['empty', ''], ['short', 'because'], ['white space padded', '   short   ']])('an %s reason is an OBS-SUP1 error and the rule stays active', (_name, reason) => {
    const found = run({ 'observable.cdk8s.io/suppress.OBS-IMG1': reason });
    const sup = found.filter((f) => f.ruleId === 'OBS-SUP1');
    expect(sup.map((f) => f.level)).toEqual([Level.ERROR]);
    expect(sup[0].message).toMatch(/^observable\.cdk8s\.io\/suppress\.OBS-IMG1 gives the reason ".*" \(\d characters, at least 10 needed\), so OBS-IMG1 stays active$/);
    const img = found.find((f) => f.ruleId === 'OBS-IMG1')!;
    expect(img.suppressedReason).toBeUndefined();
    expect(img.level).toBe(Level.ERROR);
  });

  test('a reason of ten characters or more suppresses, and is reported with its scope', () => {
    const found = run({ 'observable.cdk8s.io/suppress.OBS-IMG1': 'pinned by digest at deploy' });
    expect(found.filter((f) => f.ruleId === 'OBS-SUP1')).toEqual([]);
    expect(found.find((f) => f.ruleId === 'OBS-IMG1')).toMatchObject({ suppressedReason: 'pinned by digest at deploy', suppressedBy: 'Pod/shop/p' });
  });

  test('a suppression of a rule the pack does not have is a warning: it suppresses nothing', () => {
    const found = run({ 'observable.cdk8s.io/suppress.OBS-IMG2': 'a typo of the rule id, long enough' });
    expect(found.filter((f) => f.ruleId === 'OBS-SUP1').map((f) => [f.level, f.message])).toEqual([
      [Level.WARNING, 'observable.cdk8s.io/suppress.OBS-IMG2 names no rule of the pack, so it suppresses nothing'],
    ]);
  });

  test('OBS-SUP1 cannot be suppressed, not even with a reason', () => {
    const found = run({ 'observable.cdk8s.io/suppress.OBS-IMG1': 'x', 'observable.cdk8s.io/suppress.OBS-SUP1': 'please let this through today' });
    const sup = found.filter((f) => f.ruleId === 'OBS-SUP1');
    expect(sup.map((f) => f.suppressedReason)).toEqual([undefined, undefined]);
    expect(sup.map((f) => f.message)).toContainEqual('observable.cdk8s.io/suppress.OBS-SUP1 tries to suppress the rule on suppressions, which cannot be suppressed');
  });

  test('enforce fails on a short reason written straight into an annotation', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sup-')) });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:latest', port: 8080 });
    web.deployment.metadata.addAnnotation('observable.cdk8s.io/suppress.OBS-IMG1', 'todo');
    ProductionReadiness.enforce(app, { printTable: false });
    expect(() => app.synth()).toThrow(/shop\/web\/Deployment\/Resource: OBS-SUP1 suppressions explained: observable\.cdk8s\.io\/suppress\.OBS-IMG1 gives the reason "todo"/);
    expect(() => app.synth()).toThrow(/OBS-IMG1 image pinned/);
  });

  test('the plugin fails on a short reason as well', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sup-plugin-'));
    const file = path.join(dir, 'a.k8s.yaml');
    fs.writeFileSync(file, JSON.stringify(pod({ 'observable.cdk8s.io/suppress.OBS-IMG1': 'tbd' })));
    let status = '';
    const rules: string[] = [];
    await new ProductionReadinessValidation().validate({
      manifests: [file], parseManifest: (f) => [JSON.parse(fs.readFileSync(f, 'utf8'))],
      report: { addViolation: (v) => { rules.push(v.ruleName); }, submit: (s) => { status = s; } }, logger: { log: () => undefined },
    });
    expect(status).toBe('failure');
    expect(rules).toContain('OBS-SUP1 suppressions explained (error)');
    expect(rules).toContain('OBS-IMG1 image pinned (error)');
  });
});

describe('the report counts suppressions by rule and by scope', () => {
  test('the scope is the construct that called suppress; an annotation alone is its object', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sup-scope-')) });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:latest', port: 8080 });
    const api = new ObservableService(chart, 'api', { image: 'a/api:latest', port: 8080 });
    ProductionReadiness.suppress(chart, 'OBS-CAP1', 'a staging product: no traffic to estimate');
    ProductionReadiness.suppress(web, 'OBS-IMG1', 'the canary tracks latest on purpose');
    api.deployment.metadata.addAnnotation('observable.cdk8s.io/suppress.OBS-PLC1', 'staging runs on any node of the pool');
    const findings = ProductionReadiness.check(app);
    expect(findings.find((f) => f.ruleId === 'OBS-IMG1' && f.resource === 'Deployment/shop/web')!.suppressedBy).toBe('shop/web');
    expect(reportJson(findings).suppressed).toEqual({
      byRule: { 'OBS-CAP1': 2, 'OBS-IMG1': 1, 'OBS-PLC1': 1 },
      byScope: { shop: 2, 'shop/api/Deployment/Resource': 1, 'shop/web': 1 },
    });
    const table = formatTable(findings);
    expect(table).toMatch(/Suppressed, by rule:\nrule\s+count\n[- ]+\nOBS-CAP1\s+2\nOBS-IMG1\s+1\nOBS-PLC1\s+1/);
    expect(table).toMatch(/Suppressed, by scope:\nscope\s+count\n[- ]+\nshop\s+2\nshop\/api\/Deployment\/Resource\s+1\nshop\/web\s+1/);
    // api's image is not suppressed: it is listed among the errors, one by one.
    expect(table).toMatch(/Errors \(each fails synth\):\n.*\n.*\nOBS-IMG1\s+Deployment\/shop\/api/);
  });
});
