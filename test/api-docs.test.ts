import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every public member of the package carries TSDoc: a sentence of meaning,
 * and `@default` on every optional prop (what happens when it is left out).
 * Read from the sources with the TypeScript compiler, so a new export without
 * docs fails here.
 */
const ROOT = path.join(__dirname, '..', 'lib', 'index.ts');

interface Gap { readonly where: string; readonly missing: string }

function docOf(node: ts.Node): { text: string; tags: string[] } {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs.map((d) => (typeof d.comment === 'string' ? d.comment : ts.getTextOfJSDocComment(d.comment) ?? '')).join(' ').trim();
  const tags = docs.flatMap((d) => (d.tags ?? []).map((t) => t.tagName.text));
  return { text, tags };
}

function internal(node: ts.Node): boolean {
  return docOf(node).tags.includes('internal');
}

/** One sentence at least: words ending in a full stop (or a colon before a list). */
function hasSentence(text: string): boolean {
  return /\w.*[.:)`]$/s.test(text.replace(/\s+/g, ' ').trim()) || /\w[^.]*\.\s/.test(text);
}

function apiGaps(): { gaps: Gap[]; exports: number } {
  // The package's own sources only: what it exports, and the docs on them, need neither the
  // standard library's declarations nor cdk8s's (most of the time of a full program is parsing those).
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, noLib: true, types: [] };
  const host = ts.createCompilerHost(options);
  const own = path.dirname(ROOT) + path.sep;
  const { fileExists } = host;
  host.fileExists = (name) => path.resolve(name).startsWith(own) && fileExists.call(host, name);
  const program = ts.createProgram([ROOT], options, host);
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(ROOT)!)!;
  const gaps: Gap[] = [];
  const need = (node: ts.Node, where: string, optional = false) => {
    const { text, tags } = docOf(node);
    if (!hasSentence(text)) gaps.push({ where, missing: 'a sentence of meaning' });
    if (optional && !tags.includes('default')) gaps.push({ where, missing: '@default' });
  };
  const exports = checker.getExportsOfModule(module);
  for (const exported of exports) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const decl of symbol.declarations ?? []) {
      const name = exported.name;
      if (ts.isVariableDeclaration(decl)) {
        need(decl.parent.parent, name);
      } else if (ts.isFunctionDeclaration(decl) || ts.isTypeAliasDeclaration(decl)) {
        need(decl, name);
      } else if (ts.isEnumDeclaration(decl)) {
        need(decl, name);
        for (const m of decl.members) need(m, `${name}.${m.name.getText()}`);
      } else if (ts.isInterfaceDeclaration(decl)) {
        need(decl, name);
        for (const m of decl.members) {
          if (!ts.isPropertySignature(m) && !ts.isMethodSignature(m)) continue;
          need(m, `${name}.${m.name.getText()}`, ts.isPropertySignature(m) && m.questionToken !== undefined && /(Props|Options)$/.test(name));
        }
      } else if (ts.isClassDeclaration(decl)) {
        need(decl, name);
        for (const m of decl.members) {
          if (ts.isConstructorDeclaration(m)) {
            for (const p of m.parameters) {
              const publicParam = ts.getModifiers(p)?.some((mod) => mod.kind === ts.SyntaxKind.PublicKeyword);
              if (publicParam) need(p, `${name}.${p.name.getText()}`);
            }
            continue;
          }
          const mods = ts.getModifiers(m as ts.HasModifiers) ?? [];
          if (mods.some((mod) => mod.kind === ts.SyntaxKind.PrivateKeyword || mod.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
          if (!m.name || m.name.getText().startsWith('_') || internal(m)) continue;
          if (ts.isPropertyDeclaration(m) || ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) need(m, `${name}.${m.name.getText()}`);
        }
      }
    }
  }
  return { gaps, exports: exports.length };
}

test('every public member has TSDoc with a sentence, and every optional prop a @default', () => {
  const { gaps, exports } = apiGaps();
  expect(exports).toBeGreaterThan(150); // every export was read: none hides behind a module the program left out
  expect(gaps.map((g) => `${g.where}: ${g.missing}`)).toEqual([]);
});
