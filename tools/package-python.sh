#!/usr/bin/env bash
# npm run package:python: the Python package of the library, as a wheel in dist-jsii/python/.
#
# jsii-pacmak generates the Python sources from the jsii assembly (npm run build
# writes it). Its own wheel build makes a virtual environment and pip-installs
# setuptools~=75.3.2 and build~=1.5.0 into it from PyPI (the pyproject.toml it
# writes), which a machine without PyPI cannot do. So the sources are generated
# alone (--code-only) and the wheel is built with the Python tooling already on
# the machine, without build isolation: on Debian 12, python3-build 0.9.0,
# python3-setuptools 66.1.1 and python3-wheel 0.38.4 build it
# (`apt-get install python3-build python3-setuptools python3-wheel`).
# --skip-dependency-check lets that older setuptools stand in for the pinned one;
# setup.py uses nothing newer.
set -euo pipefail
cd "$(dirname "$0")/.."

# No GitHub look-up and no end-of-life banner from jsii's tools; jsii-pacmak runs
# `npm pack` in a folder of its own, so no machine-wide node-options preload.
export JSII_SILENCE_SUPPORT_WARNING=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 NODE_OPTIONS= npm_config_node_options=

[ -f .jsii ] || { echo "package:python: no .jsii assembly: run npm run build first" >&2; exit 1; }

# Debian's interpreter first: its python3-build is what this script is written against.
python=
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import build, setuptools, wheel' 2>/dev/null; then python=$candidate; break; fi
done
if [ -z "$python" ]; then
  echo "package:python: no python3 with the modules build, setuptools and wheel;" \
    "on Debian: apt-get install python3-build python3-setuptools python3-wheel" >&2
  exit 1
fi

rm -rf dist-jsii/python
node_modules/.bin/jsii-pacmak --targets python --code-only --no-npmignore --outdir dist-jsii
log=$(mktemp)
if ! "$python" -m build --wheel --no-isolation --skip-dependency-check --outdir dist-jsii/python dist-jsii/python >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
wheel=$(ls dist-jsii/python/*.whl)
# The wheel carries the npm package that the jsii runtime loads in Node.
"$python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
tarballs = [n for n in names if n.startswith('cdk8s_observable/_jsii/') and n.endswith('.jsii.tgz')]
if not tarballs:
    sys.exit(f'{sys.argv[1]}: no embedded jsii tarball')
print(f'{sys.argv[1]}: {len(names)} files, embeds {tarballs[0]}')
PY
