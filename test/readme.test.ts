import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// The README's quick start must keep working as the code changes.
test('the README quick start runs and prints what its comment says', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const source = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const expected = /console\.log\(.*\); \/\/ (.*)/.exec(source)![1];
  const js = ts.transpileModule(source.replace('app.synth();', ''), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const logged: string[] = [];
  const moduleRequire = (id: string) => require(id === 'cdk8s-observable' ? '../lib' : id);
  new Function('require', 'exports', 'console', js)(moduleRequire, {}, { log: (...args: unknown[]) => logged.push(args.join(' ')) });
  expect(logged).toEqual([expected]);
});

// tools/consumer-test.sh builds a fresh app from test/consumer/ against the packed library: it
// must be the README's quick start and the README's plugin line.
test('the consumer app of tools/consumer-test.sh is the README quick start with the README plugin line', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const consumer = (file: string) => fs.readFileSync(path.join(__dirname, 'consumer', file), 'utf8');
  expect(consumer('main.ts')).toBe(/```ts\n([\s\S]*?)```/.exec(readme)![1]);
  const pluginLines = /```yaml\n(validations:\n[\s\S]*?)```/.exec(readme)![1];
  expect(consumer('cdk8s.yaml')).toContain(pluginLines);
  expect(pluginLines).toContain(`version: ${JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
});
