import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { App, Chart, Testing } from 'cdk8s';
import { ObservableService, PRODUCTION_READINESS_RULES, ProductionReadiness, ProductionReadinessValidation } from '../lib';
import { evaluate } from '../lib/readiness/engine';
import { Resource } from '../lib/readiness/model';
import { TextFileWriter } from '../lib/common/text-file';
import { READINESS_JUNIT_FILE, READINESS_REPORT_FILE, READINESS_SARIF_FILE, formatTable, junitReport, reportJson, sarifReport, writeReports, xmlText } from '../lib/readiness/reports';
import { Finding } from '../lib/readiness/rule';
import { Manifest } from './support/synth';
import { XmlElement, parseXml } from './support/xml';

// ---------------------------------------------------------------------------
// The official SARIF 2.1.0 schema (test/fixtures/sarif, provenance in SOURCE.md)

/**
 * The schema is draft-04; Ajv 8 implements draft-07 onwards. The schema uses
 * no keyword whose meaning changed between them (no boolean exclusiveMinimum,
 * no `id` inside definitions), so only its header is rewritten, in memory.
 */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
  const { id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The formats the schema names, checked for real rather than ignored.
  ajv.addFormat('uri', (v: string) => { try { return new URL(v).protocol.length > 1; } catch { return false; } });
  ajv.addFormat('uri-reference', (v: string) => { try { new URL(v, 'http://base.invalid/'); return !/\s/.test(v); } catch { return false; } });
  ajv.addFormat('date-time', (v: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v));
  return ajv.compile({ ...rest, $schema: 'http://json-schema.org/draft-07/schema#', $id: id });
}

// ---------------------------------------------------------------------------
// A product with errors, warnings and suppressed findings

function deployment(name: string, image: string, annotations: Record<string, string> = {}): Manifest {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', annotations },
    spec: {
      replicas: 2, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

function someFindings(): Finding[] {
  const resources: Resource[] = [
    deployment('web', 'web:latest'),
    deployment('batch', 'registry.example.com/batch:1.0.0', { 'observable.cdk8s.io/suppress.OBS-RES1': 'sized by the batch scheduler, not by us' }),
  ].map((manifest) => ({ manifest, file: path.join('/out', 'shop.k8s.yaml'), suppressions: new Map(Object.entries(manifest.metadata.annotations as Record<string, string>).map(([k, v]) => [k.split('suppress.')[1], v])) }));
  return evaluate(resources);
}

describe('SARIF', () => {
  const validate = sarifValidator();

  test('the report validates against the official SARIF 2.1.0 schema', () => {
    const sarif = sarifReport(someFindings(), '/out');
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the validator is real: a log without a tool, or with an unknown level, is rejected', () => {
    const sarif = sarifReport(someFindings(), '/out') as { runs: Array<Record<string, unknown> & { results: Array<Record<string, unknown>> }> };
    const broken = { ...sarif, runs: [{ ...sarif.runs[0], tool: undefined, results: [{ ...sarif.runs[0].results[0], level: 'fatal' }] }] };
    expect(validate(JSON.parse(JSON.stringify(broken)))).toBe(false);
    expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)).toEqual(expect.arrayContaining([
      "/runs/0 must have required property 'tool'",
      '/runs/0/results/0/level must be equal to one of the allowed values',
    ]));
  });

  test('one run of cdk8s-observable, every rule described, every finding a result with its rule, level, message and locations', () => {
    const findings = someFindings();
    const sarif = sarifReport(findings, '/out') as Manifest;
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    const driver = sarif.runs[0].tool.driver;
    expect(driver.name).toBe('cdk8s-observable');
    expect(driver.rules.map((r: Manifest) => r.id)).toEqual(PRODUCTION_READINESS_RULES.map((r) => r.id));
    for (const [i, rule] of PRODUCTION_READINESS_RULES.entries()) {
      expect(driver.rules[i]).toMatchObject({ shortDescription: { text: rule.title }, fullDescription: { text: rule.explanation }, help: { text: `Fix: ${rule.fix}` } });
    }
    const results: Manifest[] = sarif.runs[0].results;
    expect(results).toHaveLength(findings.length);
    const img = results.find((r) => r.ruleId === 'OBS-IMG1')!;
    expect(img).toMatchObject({
      level: 'error',
      ruleIndex: PRODUCTION_READINESS_RULES.findIndex((r) => r.id === 'OBS-IMG1'),
      locations: [{ physicalLocation: { artifactLocation: { uri: 'shop.k8s.yaml' } }, logicalLocations: [{ name: 'Deployment/shop/web' }] }],
    });
    expect(img.message.text).toMatch(/^Deployment\/shop\/web: container "app" runs "web:latest", which is not pinned\. Fix: /);
    expect(results.find((r) => r.ruleId === 'OBS-PLC1')!.level).toBe('warning');
    const suppressed = results.find((r) => r.ruleId === 'OBS-RES1' && r.locations[0].logicalLocations[0].name === 'Deployment/shop/batch')!;
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'sized by the batch scheduler, not by us', properties: { scope: 'Deployment/shop/batch' } }]);
  });
});

// ---------------------------------------------------------------------------
// JUnit XML

const elements = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name);

describe('JUnit XML', () => {
  test('a testsuite per rule, a testcase per resource with findings: failures for errors, skipped for suppressed, system-out for warnings', () => {
    const findings = someFindings();
    const root = parseXml(junitReport(findings));
    expect(root.name).toBe('testsuites');
    const suites = elements(root, 'testsuite');
    expect(suites.map((s) => s.attributes.name.split(' ')[0])).toEqual(PRODUCTION_READINESS_RULES.map((r) => r.id));
    for (const suite of suites) {
      const cases = elements(suite, 'testcase');
      expect(Number(suite.attributes.tests)).toBe(cases.length);
      expect(Number(suite.attributes.failures)).toBe(cases.filter((c) => elements(c, 'failure').length > 0).length);
      expect(Number(suite.attributes.skipped)).toBe(cases.filter((c) => elements(c, 'skipped').length > 0).length);
      expect(suite.attributes.errors).toBe('0');
    }
    const suite = (id: string) => suites.find((s) => s.attributes.name.startsWith(`${id} `))!;
    const img = elements(suite('OBS-IMG1'), 'testcase');
    expect(img.map((c) => c.attributes.name)).toEqual(['Deployment/shop/web']);
    expect(elements(img[0], 'failure')[0].attributes).toEqual({ type: 'error', message: 'container "app" runs "web:latest", which is not pinned' });
    const res = elements(suite('OBS-RES1'), 'testcase');
    expect(res.map((c) => [c.attributes.name, c.children.map((x) => x.name)])).toEqual([['Deployment/shop/batch', ['skipped']], ['Deployment/shop/web', ['failure']]]);
    expect(elements(res[0], 'skipped')[0].attributes.message).toBe('suppressed: sized by the batch scheduler, not by us (by Deployment/shop/batch)');
    const plc = elements(suite('OBS-PLC1'), 'testcase');
    expect(elements(plc[0], 'system-out')[0].text).toMatch(/^warning: the pods may run on any node/);
    expect(Number(root.attributes.tests)).toBe(suites.reduce((n, s) => n + Number(s.attributes.tests), 0));
    expect(Number(root.attributes.failures)).toBe(findings.filter((f) => f.level === 'error' && !f.suppressedReason)
      .reduce((set, f) => set.add(`${f.ruleId} ${f.resource}`), new Set<string>()).size);
  });

  test('markup in a message is escaped', () => {
    const finding: Finding = { ruleId: 'OBS-IMG1', level: 'error' as Finding['level'], title: 't', resource: 'Pod/a/<b>', resourceName: '<b>', message: '</failure><script>alert("x")</script>&', explanation: 'e', fix: 'f' };
    const xml = junitReport([finding]);
    expect(xml).not.toContain('<script');
    const failure = elements(elements(elements(parseXml(xml), 'testsuite').find((s) => s.attributes.name.startsWith('OBS-IMG1'))!, 'testcase')[0], 'failure')[0];
    expect(failure.attributes.message).toBe('</failure><script>alert("x")</script>&');
  });
});

// ---------------------------------------------------------------------------
// The table

test('the table lists errors one by one, groups warnings by rule with counts, and counts suppressions by rule and by scope', () => {
  const findings = someFindings();
  const table = formatTable(findings);
  const live = findings.filter((f) => !f.suppressedReason);
  const errorLines = table.split('\n\n')[1].split('\n').slice(3);
  expect(errorLines).toHaveLength(live.filter((f) => f.level === 'error').length);
  const warnings = table.split('\n\n')[2].split('\n');
  expect(warnings[0]).toMatch(/^Warnings and infos by rule \(each one is in production-readiness.json, production-readiness.sarif and production-readiness.junit.xml\):$/);
  expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^OBS-PLC1\\s+warning\\s+${live.filter((f) => f.ruleId === 'OBS-PLC1').length}\\s+node group declared$`)));
  expect(table).toMatch(/Suppressed, by rule:\nrule\s+count\n-+\s+-+\nOBS-RES1\s+1/);
  expect(table).toMatch(/Suppressed, by scope:\nscope\s+count\n-+\s+-+\nDeployment\/shop\/batch\s+1/);
  expect(reportJson(findings).suppressed).toEqual({ byRule: { 'OBS-RES1': 1 }, byScope: { 'Deployment/shop/batch': 1 } });
});

// ---------------------------------------------------------------------------
// Who writes them

const REPORT_FILES = [READINESS_REPORT_FILE, READINESS_SARIF_FILE, READINESS_JUNIT_FILE];

test('enforce() writes the three reports next to the JSON report, the SARIF pointing at the chart file', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-'));
  const app = new App({ outdir });
  new ObservableService(new Chart(app, 'shop', { namespace: 'shop' }), 'web', { image: 'a/web:latest', port: 8080 });
  ProductionReadiness.enforce(app, { printTable: false });
  expect(() => app.synth()).toThrow(/OBS-IMG1/);
  for (const f of REPORT_FILES) expect(fs.existsSync(path.join(outdir, f))).toBe(true);
  const sarif = JSON.parse(fs.readFileSync(path.join(outdir, READINESS_SARIF_FILE), 'utf8'));
  const img = sarif.runs[0].results.find((r: Manifest) => r.ruleId === 'OBS-IMG1');
  expect(img.locations[0]).toEqual({
    physicalLocation: { artifactLocation: { uri: 'shop.k8s.yaml' } },
    logicalLocations: [{ name: 'Deployment/shop/web', fullyQualifiedName: 'shop/web/Deployment/Resource', kind: 'resource' }],
  });
  expect(sarifValidator()(sarif)).toBe(true);
  parseXml(fs.readFileSync(path.join(outdir, READINESS_JUNIT_FILE), 'utf8'));
});

test('the plugin writes the three reports next to the manifests, with paths relative to them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-reports-'));
  const file = path.join(dir, 'app.k8s.yaml');
  const manifests = Testing.synth(new Chart(Testing.app(), 'x', { namespace: 'shop' })).concat([deployment('web', 'web:latest')]);
  fs.writeFileSync(file, manifests.map((m) => JSON.stringify(m)).join('\n---\n'));
  await new ProductionReadinessValidation().validate({
    manifests: [file],
    parseManifest: (f: string) => fs.readFileSync(f, 'utf8').split('\n---\n').map((d) => JSON.parse(d)),
    report: { addViolation: () => undefined, submit: () => undefined },
    logger: { log: () => undefined },
  });
  for (const f of REPORT_FILES) expect(fs.existsSync(path.join(dir, f))).toBe(true);
  const sarif = JSON.parse(fs.readFileSync(path.join(dir, READINESS_SARIF_FILE), 'utf8'));
  expect(new Set(sarif.runs[0].results.map((r: Manifest) => r.locations[0].physicalLocation.artifactLocation.uri))).toEqual(new Set(['app.k8s.yaml']));
});

test('the reports are deterministic: the same findings give the same bytes', () => {
  expect(JSON.stringify(sarifReport(someFindings(), '/out'))).toBe(JSON.stringify(sarifReport(someFindings(), '/out')));
  expect(junitReport(someFindings())).toBe(junitReport(someFindings()));
});

test('the report files are written piece by piece: the JSON of reportJson and sarifReport with one finding per line, and the bytes of junitReport', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-bytes-'));
  // Enough findings for several 64 KiB chunks, with suppressed ones.
  const findings = Array.from({ length: 60 }, () => someFindings()).flat();
  writeReports(dir, findings);
  const report = fs.readFileSync(path.join(dir, READINESS_REPORT_FILE), 'utf8');
  expect(JSON.parse(report)).toEqual(JSON.parse(JSON.stringify(reportJson(findings))));
  expect(report.split('\n').filter((line) => /^    \{"ruleId":.*\}(,)?$/.test(line))).toHaveLength(findings.length);
  expect(report.startsWith('{\n  "summary": {\n    "errors": ')).toBe(true);
  const sarif = fs.readFileSync(path.join(dir, READINESS_SARIF_FILE), 'utf8');
  expect(JSON.parse(sarif)).toEqual(JSON.parse(JSON.stringify(sarifReport(findings, dir))));
  expect(sarif.split('\n').filter((line) => /^ {8}\{"ruleId":.*\}(,)?$/.test(line))).toHaveLength(findings.length);
  expect(fs.readFileSync(path.join(dir, READINESS_JUNIT_FILE), 'utf8')).toBe(junitReport(findings));
  expect(report.length).toBeGreaterThan(3 * 64 * 1024);
});

test('the piecewise JSON writer writes the value JSON.stringify writes, laid out down to the depth asked', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'json-pieces-')), 'value.json');
  const values: unknown[] = [
    { a: 1, skipped: undefined, f: () => 1, list: [1, undefined, () => 2, 'x\ny', [], {}, [[{ deep: [{ deeper: { deepest: [true, null] } }] }]]], empty: {}, none: [] },
    [], {}, 'text "quoted" \u2028 é', 0, -1.5e-7, null, true, [{ when: new Date(Date.UTC(2026, 11, 2)) }], { nested: { list: [{ k: 'v' }, { k: ['w', { z: 1 }] }] } },
  ];
  const written = (value: unknown, depth: number) => {
    TextFileWriter.write(file, (out) => out.json(value, '', depth));
    return fs.readFileSync(file, 'utf8');
  };
  for (const value of values) {
    // No layout, or the whole layout: exactly JSON.stringify's text.
    expect(written(value, 0)).toBe(JSON.stringify(value));
    expect(written(value, 10)).toBe(JSON.stringify(value, null, 2));
    for (const depth of [1, 2, 3, 4]) expect(JSON.parse(written(value, depth))).toEqual(JSON.parse(JSON.stringify(value)));
  }
  expect(written({ list: [{ a: 1 }, { b: [2] }] }, 2)).toBe('{\n  "list": [\n    {"a":1},\n    {"b":[2]}\n  ]\n}');
});

test('XML text: markup as entities, characters XML 1.0 forbids as U+FFFD, the rest as it is', () => {
  expect(xmlText('a&b<c>d"e\'f\u0000g\u001fh\ufffei\tj\nk é')).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f\ufffdg\ufffdh\ufffdi\tj\nk é');
  expect(xmlText('&amp;')).toBe('&amp;amp;');
});
