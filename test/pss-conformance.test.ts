/**
 * Conformance of the OBS-PSS- rules with the upstream Pod Security Standards
 * fixtures (test/fixtures/pss, provenance in SOURCE.md): at its level and
 * policy version, a `pass` pod raises no OBS-PSS- finding and a `fail` pod at
 * least one (pod-security-admission test/run.go `Run`). Each fixture is
 * checked at the version of its folder, and at v1.37 when it equals the
 * upstream v1.37 fixture of that name (index.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { evaluate } from '../lib/readiness/engine';
import { PodSecurityLevel } from '../lib/readiness/rule';
import { Manifest } from './support/synth';

const ROOT = path.join(__dirname, 'fixtures', 'pss');
const index: Record<string, { sameAsV137: boolean }> = JSON.parse(fs.readFileSync(path.join(ROOT, 'index.json'), 'utf8'));

interface Case { readonly file: string; readonly level: PodSecurityLevel; readonly version: string; readonly expect: 'pass' | 'fail' }

const cases: Case[] = Object.entries(index).flatMap(([file, { sameAsV137 }]) => {
  const [level, version, expect] = file.split('/') as [PodSecurityLevel, string, 'pass' | 'fail'];
  const own: Case = { file, level, version, expect };
  return sameAsV137 && version !== 'v1.37' ? [own, { ...own, version: 'v1.37' }] : [own];
});

function pssFindings(c: Case): string[] {
  const manifest = parse(fs.readFileSync(path.join(ROOT, c.file), 'utf8')) as Manifest;
  return evaluate([{ manifest, suppressions: new Map() }], { podSecurity: c.level, podSecurityVersion: c.version })
    .filter((f) => f.ruleId.startsWith('OBS-PSS-')).map((f) => `${f.ruleId}: ${f.message}`);
}

test('every fixture of the index is in the folder, and every file of the folder in the index', () => {
  const files = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name).split(path.sep).join('/')] : []));
  expect([...files('baseline'), ...files('restricted')].sort()).toEqual(Object.keys(index).sort());
});

describe.each(cases.map((c) => [`${c.level} ${c.version} ${c.expect} ${path.basename(c.file)}${c.version !== c.file.split('/')[1] ? ` (from ${c.file.split('/')[1]})` : ''}`, c] as const))('%s', (_name, c) => {
  test(c.expect === 'pass' ? 'raises no OBS-PSS- finding' : 'raises at least one OBS-PSS- finding', () => {
    const found = pssFindings(c);
    if (c.expect === 'pass') expect(found).toEqual([]);
    else expect(found.length).toBeGreaterThan(0);
  });
});

test('agreement with the upstream fixtures, per level and expectation, is complete', () => {
  const tally: Record<string, { agree: number; total: number }> = {};
  for (const c of cases) {
    const key = `${c.level} ${c.expect}`;
    const agrees = c.expect === 'pass' ? pssFindings(c).length === 0 : pssFindings(c).length > 0;
    tally[key] = { agree: (tally[key]?.agree ?? 0) + (agrees ? 1 : 0), total: (tally[key]?.total ?? 0) + 1 };
  }
  // Printed for the record: `npx jest test/pss-conformance.test.ts` shows the figures.
  console.log(Object.entries(tally).sort().map(([k, v]) => `${k}: ${v.agree}/${v.total}`).join('\n'));
  for (const v of Object.values(tally)) expect(v.agree).toBe(v.total);
});

describe('the fixtures at other levels and versions: the boundaries upstream draws', () => {
  const at = (file: string, level: PodSecurityLevel, version: string) => pssFindings({ file, level, version, expect: 'pass' });

  test('the 1.37 safe sysctls fail at 1.36; the 1.32 ones at 1.31; the 1.27 one at 1.26', () => {
    expect(at('baseline/v1.37/pass/sysctls1.yaml', PodSecurityLevel.BASELINE, 'v1.36')).toEqual([expect.stringMatching(/^OBS-PSS-SYSCTLS: sysctl "net.ipv4.tcp_slow_start_after_idle" is not in the safe set/)]);
    expect(at('baseline/v1.34/pass/sysctls1.yaml', PodSecurityLevel.BASELINE, 'v1.31')).toHaveLength(1);
    expect(at('restricted/v1.28/pass/sysctls1.yaml', PodSecurityLevel.RESTRICTED, 'v1.26')).toHaveLength(1);
  });

  test('every host probe fail fixture passes before the check exists (1.33)', () => {
    const files = Object.keys(index).filter((f) => f.includes('/fail/hostprobesandhostlifecycle'));
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) expect(at(f, f.split('/')[0] as PodSecurityLevel, 'v1.33')).toEqual([]);
  });

  test('an unmasked /proc in a user namespace fails before 1.35 and passes baseline from 1.35, never restricted', () => {
    expect(at('baseline/v1.27/fail/procmount1.yaml', PodSecurityLevel.BASELINE, 'v1.35')).toEqual([]);
    expect(at('restricted/v1.27/fail/procmount1.yaml', PodSecurityLevel.RESTRICTED, 'v1.35')).toEqual([expect.stringMatching(/^OBS-PSS-PROC-MOUNT: /)]);
  });

  test('a fail fixture of a restricted-only control passes at baseline', () => {
    // Left out: a hostPath volume or an Unconfined seccomp profile, which baseline forbids too.
    const restrictedOnly = Object.keys(index).filter((f) => f.startsWith('restricted/') && /\/fail\/(runasnonroot|runasuser|allowprivilegeescalation|seccompprofile_restricted|capabilities_restricted|restrictedvolumes)\d/.test(f)
      && !/hostPath:|Unconfined/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(restrictedOnly.length).toBeGreaterThan(30);
    for (const f of restrictedOnly) expect([f, at(f, PodSecurityLevel.BASELINE, 'v1.37')]).toEqual([f, []]);
  });
});
