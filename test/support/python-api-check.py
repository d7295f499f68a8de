"""Checks Python code blocks against the Python module jsii-pacmak generated for this library.

Usage: python3 python-api-check.py GENERATED_INIT_PY MARKDOWN_FILE [OTHER_ATTRIBUTE ...]

For each ```python block of the page: it compiles; every name imported from cdk8s_observable is a
class of the module; every call of such a class (or of its static methods) passes only keyword
arguments the generated signature has; every attribute read anywhere is a member of a class of
the module, an attribute the block sets itself, or one of OTHER_ATTRIBUTE (cdk8s's own, such as
synth). Prints one line per problem and exits 1 when there is one.
"""
import ast
import re
import sys


def members(module):
    """Class name -> {member name: [parameter names]} of the generated module."""
    found = {}
    for node in module.body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = {
                item.name: [a.arg for a in item.args.args + item.args.kwonlyargs][1:]
                for item in node.body if isinstance(item, ast.FunctionDef)
            }
    return found


def check_block(code, where, classes, others):
    problems = []
    try:
        tree = ast.parse(code)
    except SyntaxError as e:
        return [f"{where}: does not compile: {e}"]
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "cdk8s_observable":
            for alias in node.names:
                if alias.name not in classes:
                    problems.append(f"{where}: cdk8s_observable has no {alias.name}")
                imported.add(alias.asname or alias.name)
    every_member = {name for ms in classes.values() for name in ms}
    set_here = {t.attr for node in ast.walk(tree) if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = None
            if isinstance(node.func, ast.Name) and node.func.id in imported:
                target = (node.func.id, "__init__")
            elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id in imported:
                target = (node.func.value.id, node.func.attr)
            if target and target[0] in classes:
                params = classes[target[0]].get(target[1])
                if params is None:
                    problems.append(f"{where}: {target[0]} has no {target[1]}")
                else:
                    for kw in node.keywords:
                        if kw.arg is not None and kw.arg not in params:
                            problems.append(f"{where}: {target[0]}.{target[1]} takes no {kw.arg} (it takes {', '.join(params)})")
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            if node.attr not in every_member and node.attr not in set_here and node.attr not in others:
                problems.append(f"{where}: no class of cdk8s_observable has a member {node.attr}")
    return problems


def main():
    generated, page, *others = sys.argv[1:]
    with open(generated, encoding="utf-8") as f:
        classes = members(ast.parse(f.read()))
    with open(page, encoding="utf-8") as f:
        text = f.read()
    problems = []
    blocks = [(m.group(1), text.count("\n", 0, m.start()) + 2) for m in re.finditer(r"```python\n(.*?)```", text, re.S)]
    if not blocks:
        problems.append(f"{page}: no python block")
    for code, line in blocks:
        problems += check_block(code, f"{page}:{line}", classes, set(others))
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


main()
