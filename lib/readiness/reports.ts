/**
 * The readiness report in the forms people and pipelines read: the console
 * table, JSON, SARIF 2.1.0 (GitHub code scanning) and JUnit XML (CI test
 * tabs). Every form is deterministic: the same findings give the same bytes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compareText } from '../common/text';
import { TextFileWriter } from '../common/text-file';
import { active } from './engine';
import { Finding, Level, Rule } from './rule';
import { PRODUCTION_READINESS_RULES } from './rules';

/** The report files, written side by side. */
export const READINESS_REPORT_FILE = 'production-readiness.json';
export const READINESS_SARIF_FILE = 'production-readiness.sarif';
export const READINESS_JUNIT_FILE = 'production-readiness.junit.xml';

/** The tool name in SARIF and JUnit reports. */
const TOOL = 'cdk8s-observable';

/** Counts by key, keys sorted. */
function countBy(findings: readonly Finding[], key: (f: Finding) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => compareText(a, b)));
}

/** The report as JSON. */
export interface ReadinessReport {
  /** Active findings by level, and the number suppressed. */
  readonly summary: { readonly errors: number; readonly warnings: number; readonly infos: number; readonly suppressed: number };
  /** Suppressed findings counted by rule and by the scope that suppressed them. */
  readonly suppressed: { readonly byRule: Record<string, number>; readonly byScope: Record<string, number> };
  /** Every finding, suppressed ones with their reason and scope. */
  readonly findings: readonly Finding[];
}

/** The report as JSON: a summary, the suppressions counted, and every finding. */
export function reportJson(findings: readonly Finding[]): ReadinessReport {
  const live = active(findings);
  const suppressed = findings.filter((f) => f.suppressedReason !== undefined);
  return {
    summary: {
      errors: live.filter((f) => f.level === Level.ERROR).length,
      warnings: live.filter((f) => f.level === Level.WARNING).length,
      infos: live.filter((f) => f.level === Level.INFO).length,
      suppressed: suppressed.length,
    },
    suppressed: { byRule: countBy(suppressed, (f) => f.ruleId), byScope: countBy(suppressed, (f) => f.suppressedBy ?? f.resource) },
    findings,
  };
}

/** Rows as aligned columns (the last column unpadded), with a header and a rule under it. */
function columns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/**
 * The console table: the summary, every active error one by one (rule,
 * resource, construct path, message), warnings and infos grouped by rule
 * with counts (every one is in the report files), and the suppressed
 * findings counted by rule and by scope.
 */
export function formatTable(findings: readonly Finding[]): string {
  const { summary, suppressed } = reportJson(findings);
  const head = `Production readiness: ${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.infos} info, ${summary.suppressed} suppressed`;
  if (findings.length === 0) return `${head}: no findings.`;
  const live = active(findings);
  const errors = live.filter((f) => f.level === Level.ERROR);
  const others = live.filter((f) => f.level !== Level.ERROR);
  const sections: string[][] = [[head]];
  if (errors.length > 0) {
    sections.push(['Errors (each fails synth):', ...columns(['rule', 'resource', 'construct path (or file)', 'message'],
      errors.map((f) => [f.ruleId, f.resource, f.constructPath ?? f.file ?? '', f.message]))]);
  }
  if (others.length > 0) {
    const byRule = new Map<string, Finding[]>();
    for (const f of others) {
      const key = `${f.ruleId}\u0000${f.level}`;
      const group = byRule.get(key);
      if (group) group.push(f);
      else byRule.set(key, [f]);
    }
    sections.push([`Warnings and infos by rule (each one is in ${READINESS_REPORT_FILE}, ${READINESS_SARIF_FILE} and ${READINESS_JUNIT_FILE}):`,
      ...columns(['rule', 'level', 'count', 'title'], [...byRule.values()].map((g) => [g[0].ruleId, g[0].level, String(g.length), g[0].title]))]);
  }
  if (summary.suppressed > 0) {
    sections.push(['Suppressed, by rule:', ...columns(['rule', 'count'], Object.entries(suppressed.byRule).map(([k, n]) => [k, String(n)]))]);
    sections.push(['Suppressed, by scope:', ...columns(['scope', 'count'], Object.entries(suppressed.byScope).map(([k, n]) => [k, String(n)]))]);
  }
  return sections.map((s) => s.join('\n')).join('\n\n');
}

/** SARIF's result levels (SARIF 2.1.0 §3.27.10: none, note, warning, error). */
const SARIF_LEVEL: Record<Level, string> = { [Level.ERROR]: 'error', [Level.WARNING]: 'warning', [Level.INFO]: 'note' };

/** A manifest file as a SARIF artifact URI: relative to the report's folder, with `/` separators. */
function artifactUri(file: string | undefined, reportDir: string): string | undefined {
  if (file === undefined) return undefined;
  const relative = path.isAbsolute(file) ? path.relative(reportDir, file) : file;
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

/**
 * The report as a SARIF 2.1.0 log (docs.oasis-open.org/sarif/sarif/v2.1.0):
 * one run of the tool, every rule of the pack in `tool.driver.rules` (its
 * title, why, and the fix as help), and each finding a result with its rule,
 * level, message, the manifest file as physical location (relative to
 * `reportDir`) and the construct path as logical location. A suppressed
 * finding carries its suppression (kind `inSource`: the annotation is in the manifest).
 */
export function sarifReport(findings: readonly Finding[], reportDir: string, rules: readonly Rule[] = PRODUCTION_READINESS_RULES): object {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL,
          rules: rules.map((r) => ({
            id: r.id,
            shortDescription: { text: r.title },
            fullDescription: { text: r.explanation },
            help: { text: `Fix: ${r.fix}`, markdown: `**Why:** ${r.explanation}\n\n**Fix:** ${r.fix}` },
            defaultConfiguration: { level: SARIF_LEVEL[r.level] },
            properties: { tags: r.id.startsWith('OBS-PSS-') ? ['production-readiness', 'pod-security'] : ['production-readiness'] },
          })),
        },
      },
      results: findings.map((f) => {
        const uri = artifactUri(f.file, reportDir);
        return {
          ruleId: f.ruleId,
          ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
          level: SARIF_LEVEL[f.level],
          message: { text: `${f.resource}: ${f.message}. Fix: ${f.fix}` },
          locations: [{
            ...(uri !== undefined ? { physicalLocation: { artifactLocation: { uri } } } : {}),
            logicalLocations: [{ name: f.resource, fullyQualifiedName: f.constructPath ?? f.resource, kind: 'resource' }],
          }],
          ...(f.suppressedReason !== undefined
            ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: f.suppressedReason, properties: { scope: f.suppressedBy ?? f.resource } }] }
            : {}),
        };
      }),
    }],
  };
}

/** Text as XML character data or an attribute value: markup escaped, characters XML 1.0 forbids replaced. */
export function xmlText(text: string): string {
  // One pass: a character XML 1.0 forbids becomes U+FFFD, markup its entity.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff&<>"']/g, (c) => XML_ESCAPES[c] ?? '\ufffd');
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * The report as JUnit XML (the Jenkins/xUnit form: testsuites › testsuite ›
 * testcase): a testsuite per rule of the pack, a testcase per resource the
 * rule has findings on. Active errors are a `failure`; a resource whose
 * findings are all suppressed is `skipped` with the reasons; warnings and
 * infos pass and are listed in `system-out`.
 */
export function junitReport(findings: readonly Finding[], rules: readonly Rule[] = PRODUCTION_READINESS_RULES): string {
  const pieces: string[] = [];
  writeJunit(findings, rules, (text) => pieces.push(text));
  return pieces.join('');
}

/** The JUnit XML of {@link junitReport}, handed to `emit` a testcase at a time. */
function writeJunit(findings: readonly Finding[], rules: readonly Rule[], emit: (text: string) => void): void {
  // Findings by rule, then by resource, in the order given.
  const byRule = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    let byResource = byRule.get(f.ruleId);
    if (!byResource) byRule.set(f.ruleId, byResource = new Map());
    const group = byResource.get(f.resource);
    if (group) group.push(f);
    else byResource.set(f.resource, [f]);
  }
  // Each resource's outcome, worked out once: the totals come first in the XML, the cases after.
  let tests = 0;
  let failed = 0;
  let skipped = 0;
  const suites = rules.map((rule) => {
    const cases = [...(byRule.get(rule.id) ?? new Map<string, Finding[]>())].map(([resource, group]) => {
      const live = group.filter((f) => f.suppressedReason === undefined);
      return { resource, group, live, errors: live.filter((f) => f.level === Level.ERROR) };
    });
    const failures = cases.filter((c) => c.errors.length > 0).length;
    const skips = cases.filter((c) => c.errors.length === 0 && c.live.length === 0).length;
    tests += cases.length;
    failed += failures;
    skipped += skips;
    return { rule, cases, failures, skips };
  });
  emit(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${TOOL} production readiness" tests="${tests}" failures="${failed}" errors="0" skipped="${skipped}" time="0">\n`);
  for (const { rule, cases, failures, skips } of suites) {
    emit(`  <testsuite name="${xmlText(`${rule.id} ${rule.title}`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skips}" time="0">\n`);
    for (const { resource, group, live, errors } of cases) {
      const where = group[0].constructPath ?? group[0].file ?? resource;
      let body: string;
      if (errors.length > 0) {
        body = `      <failure type="error" message="${xmlText(errors.map((f) => f.message).join('; '))}">${xmlText(`${where}\n${errors.map((f) => f.message).join('\n')}\nFix: ${rule.fix}`)}</failure>\n`;
      } else if (live.length === 0) {
        body = `      <skipped message="${xmlText(`suppressed: ${group.map((f) => `${f.suppressedReason} (by ${f.suppressedBy ?? resource})`).join('; ')}`)}"/>\n`;
      } else {
        body = `      <system-out>${xmlText(live.map((f) => `${f.level}: ${f.message}`).join('\n'))}</system-out>\n`;
      }
      emit(`    <testcase classname="${xmlText(rule.id)}" name="${xmlText(resource)}" time="0">\n${body}    </testcase>\n`);
    }
    emit('  </testsuite>\n');
  }
  emit('</testsuites>\n');
}

/** Writes the JSON, SARIF and JUnit reports into `dir`. */
export function writeReports(dir: string, findings: readonly Finding[]): void {
  fs.mkdirSync(dir, { recursive: true });
  // Written as they are rendered: at thousands of findings the texts would be tens of megabytes at once.
  TextFileWriter.write(path.join(dir, READINESS_REPORT_FILE), (out) => {
    // The report › findings › each finding in one call.
    out.json(reportJson(findings), '', 2);
    out.text('\n');
  });
  TextFileWriter.write(path.join(dir, READINESS_SARIF_FILE), (out) => {
    // The log › runs › the run › results › each result in one call.
    out.json(sarifReport(findings, dir), '', 4);
    out.text('\n');
  });
  TextFileWriter.write(path.join(dir, READINESS_JUNIT_FILE), (out) => writeJunit(findings, PRODUCTION_READINESS_RULES, (text) => out.text(text)));
}
