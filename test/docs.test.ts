import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

// Every TypeScript block in README.md and docs/*.md is compiled with the
// repository's compiler settings, 'cdk8s-observable' meaning lib/. A block with
// imports is a program of its own, and runs when it makes an App. A block
// without imports is a fragment: it compiles after the preamble that
// docs/api-overview.md ("The code in these pages") declares, in a block of its own so
// that it may declare a name the preamble has.

const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const PREAMBLE_HEADING = '## The code in these pages';

interface Block {
  readonly page: string;
  /** Line of the block's first code line in the page (1-based). */
  readonly line: number;
  readonly code: string;
}

function tsBlocks(page: string): Block[] {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => ({ page, line: text.slice(0, m.index).split('\n').length + 1, code: m[1] }));
}

const blocks = PAGES.flatMap(tsBlocks);
const apiText = fs.readFileSync(path.join(ROOT, 'docs', 'api-overview.md'), 'utf8');
const preambleLine = apiText.slice(0, apiText.indexOf(PREAMBLE_HEADING)).split('\n').length;
const preamble = blocks.find((b) => b.page === 'docs/api-overview.md' && b.line > preambleLine)!;
const hasImports = (code: string) => ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022).statements.some(ts.isImportDeclaration);
const isProgram = (b: Block) => hasImports(b.code);
const runs = (b: Block) => isProgram(b) && /\bnew App\(/.test(b.code);

/** A file the compiler sees for a block: its text, of which the first `head` lines are the preamble's. */
interface Snippet { readonly block: Block; readonly fileName: string; readonly text: string; readonly head: number }

function snippet(block: Block, i: number): Snippet {
  const fileName = path.join(ROOT, 'test', '.doc-blocks', `${block.page.replace(/\W/g, '_')}_${block.line}_${i}.ts`);
  if (isProgram(block)) return { block, fileName, text: block.code, head: 0 };
  // A fragment: the preamble, then the fragment in a block; `export {}` keeps each file a module of its own.
  const head = `${preamble.code}{\n`;
  return { block, fileName, text: `${head}${block.code}}\nexport {};\n`, head: head.split('\n').length - 1 };
}

/** The repository's compiler options, 'cdk8s-observable' mapped to lib/; unused names are allowed (a fragment shows a declaration whose use is elsewhere). */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return {
    ...options,
    noEmit: true,
    rootDir: undefined,
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: ROOT,
    paths: { 'cdk8s-observable': ['lib/index.ts'], 'cdk8s-observable/*': ['lib/*'] },
  };
}

/** Compiles the snippets in one program; the errors, each as `page:line: message`. */
function compile(snippets: Snippet[]): string[] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const byName = new Map(snippets.map((s) => [path.normalize(s.fileName), s]));
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => {
    const s = byName.get(path.normalize(name));
    return s ? ts.createSourceFile(name, s.text, language) : getSourceFile.call(host, name, language, ...rest);
  };
  host.fileExists = (name) => byName.has(path.normalize(name)) || fileExists.call(host, name);
  host.readFile = (name) => byName.get(path.normalize(name))?.text ?? readFile.call(host, name);
  const program = ts.createProgram([...byName.keys()], options, host);
  // The snippets' own diagnostics (each call adds the program's option and global ones): lib/ is
  // checked whole by npm run typecheck, and checking only what the snippets use takes a third of the time.
  const diagnostics = [...byName.keys()].flatMap((name) => ts.getPreEmitDiagnostics(program, program.getSourceFile(name)));
  const errors = diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const s = d.file && byName.get(path.normalize(d.file.fileName));
    if (!s || d.start === undefined) return `${d.file?.fileName ?? '(no file)'}: ${message}`;
    const line = d.file!.getLineAndCharacterOfPosition(d.start).line;
    return line < s.head ? `${preamble.page}:${preamble.line + line}: ${message}` : `${s.block.page}:${s.block.line + line - s.head}: ${message}`;
  });
  return [...new Set(errors)]; // an error in the preamble stands in every fragment's file
}

/** Runs a program block; what it logs, and what its `console.log(...); // expected` comments say it logs. */
function run(block: Block): { logged: string[]; expected: string[] } {
  const js = ts.transpileModule(block.code, { compilerOptions: { ...compilerOptions(), module: ts.ModuleKind.CommonJS } }).outputText;
  const logged: string[] = [];
  const moduleRequire = (id: string) => require(id === 'cdk8s-observable' ? '../lib' : id.startsWith('cdk8s-observable/') ? `../lib/${id.slice('cdk8s-observable/'.length)}` : id);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-observable-docs-'));
  const saved = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir; // app.synth() writes here, not into dist/
  try {
    new Function('require', 'exports', 'console', js)(moduleRequire, {}, { log: (...args: unknown[]) => logged.push(args.join(' ')) });
  } finally {
    if (saved === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = saved;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return { logged, expected: [...block.code.matchAll(/console\.log\(.*\); \/\/ (.*)/g)].map((m) => m[1]) };
}

// A block that must not compile, compiled with the others: its error shows how a page's error reads.
const BAD: Block = { page: 'docs/example.md', line: 40, code: 'new ObservableService(chart, \'x\', { image: \'a:1\', prot: 80 });\n' };
let errors: string[] | undefined;
const compiled = () => (errors ??= compile([...blocks, BAD].map(snippet)));

test('the README stays short (12 KB at most); the rest is in docs/', () => {
  expect(fs.statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(12 * 1024);
});

test('the pages have TypeScript blocks, and docs/api-overview.md declares the preamble the fragments use', () => {
  expect(preamble).toBeDefined();
  expect(isProgram(preamble)).toBe(true);
  expect(blocks.length).toBeGreaterThanOrEqual(9);
  expect(blocks.filter((b) => !isProgram(b)).length).toBeGreaterThanOrEqual(7);
});

test('every TypeScript block of README.md and docs/*.md compiles (fragments after the preamble)', () => {
  expect(compiled().filter((e) => !e.startsWith(`${BAD.page}:`))).toEqual([]);
}, 60_000);

test('a block that does not compile is reported with its page and line', () => {
  const [error, ...rest] = compiled().filter((e) => e.startsWith(`${BAD.page}:`));
  expect(rest).toEqual([]);
  expect(error).toMatch(/^docs\/example\.md:40: Object literal may only specify known properties, and 'prot' does not exist/);
}, 60_000);

test.each(blocks.filter(runs).map((b) => [`${b.page}:${b.line}`, b] as const))('the program at %s runs and logs what its comments say', (_where, block) => {
  const { logged, expected } = run(block);
  expect(logged).toEqual(expected);
});

test('the README quick start is among the programs run, and says what it logs', () => {
  const quickStart = blocks.find((b) => b.page === 'README.md')!;
  expect(runs(quickStart)).toBe(true);
  expect(run(quickStart).expected).toEqual(['journal-api.accounting.svc.cluster.local 10']);
});

// tools/consumer-test.sh builds a fresh app from test/consumer/ against the packed library: it
// must be the README's quick start and the README's plugin line.
test('the consumer app of tools/consumer-test.sh is the README quick start with the README plugin line', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const consumer = (file: string) => fs.readFileSync(path.join(__dirname, 'consumer', file), 'utf8');
  expect(consumer('main.ts')).toBe(tsBlocks('README.md')[0].code);
  const pluginLines = /```yaml\n(validations:\n[\s\S]*?)```/.exec(readme)![1];
  expect(consumer('cdk8s.yaml')).toContain(pluginLines);
  expect(pluginLines).toContain(`version: ${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
});
