/**
 * Runs Prometheus' promtool (Debian's prometheus package, which .ci/run
 * installs) on generated rules: `check rules` on a rule file, `test rules` on
 * a unit-test file. promtool reads plain rule files (`groups:`), not the
 * Prometheus Operator's PrometheusRule, so the spec is written out as one.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';

/** The promtool binary, or undefined where it is not installed (a developer machine; CI fails instead). */
export const promtool = spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : undefined;

/** Whether the promtool tests can run; outside CI a missing promtool skips them with a warning. */
export function havePromtool(): boolean {
  if (promtool) return true;
  if (process.env.CI) throw new Error("promtool is not installed: .ci/run installs Debian's prometheus package");
  console.warn('promtool not installed: skipping (apt-get install --no-install-recommends prometheus)');
  return false;
}

/** Writes rule groups as a rule file in a fresh directory; returns its path. */
export function ruleFile(groups: unknown, name = 'rules.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, stringify({ groups }));
  return file;
}

/** `promtool check rules <file>...`: status (non-zero when any file fails) and output. */
export function checkRules(...files: string[]): { status: number | null; output: string } {
  const r = spawnSync(promtool as string, ['check', 'rules', ...files], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * `promtool test rules` on a unit-test document written beside the rule file, the rules
 * evaluated every `evaluationInterval`, their groups in the order the file lists them (as a
 * Prometheus server evaluates one file's groups at the same instant: promtool's own order is
 * random without `group_eval_order`, and an alert group run before the recording group it reads
 * would see the previous evaluation's samples, or none once they fall out of the lookback).
 */
export function testRules(rules: string, tests: object, evaluationInterval = '1m'): { status: number | null; output: string } {
  const file = path.join(path.dirname(rules), 'tests.yaml');
  const groups = (parse(fs.readFileSync(rules, 'utf8')) as { groups: Array<{ name: string }> }).groups.map((g) => g.name);
  fs.writeFileSync(file, stringify({ rule_files: [path.basename(rules)], evaluation_interval: evaluationInterval, group_eval_order: groups, ...tests }));
  const r = spawnSync(promtool as string, ['test', 'rules', file], { encoding: 'utf8', cwd: path.dirname(rules) });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
