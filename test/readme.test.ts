import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// The README's quick start must keep working as the code changes.
test('the README quick start runs and prints what its comment says', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const source = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const expected = /console\.log\(.*\); \/\/ (.*)/.exec(source)![1];
  const js = ts.transpileModule(source.replace('app.synth();', ''), { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const logged: string[] = [];
  const moduleRequire = (id: string) => require(id === 'cdk8s-observable' ? '../lib' : id);
  new Function('require', 'exports', 'console', js)(moduleRequire, {}, { log: (...args: unknown[]) => logged.push(args.join(' ')) });
  expect(logged).toEqual([expected]);
});
