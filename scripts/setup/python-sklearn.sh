#!/usr/bin/env bash
# Debian's scikit-learn and SciPy for the collector's metric cross-checks, run with Debian's own
# /usr/bin/python3 (another Python, e.g. pyenv's, may come first on PATH and lack them).
# Idempotent and quick when installed.
set -euo pipefail

PY=/usr/bin/python3

if [ -x "$PY" ] && "$PY" -c "import sklearn, scipy" 2>/dev/null; then
  echo "python-sklearn: $("$PY" -c 'import sklearn, scipy; print("sklearn", sklearn.__version__, "scipy", scipy.__version__)')"
  exit 0
fi

echo "python-sklearn: installing Debian's python3-sklearn and python3-scipy"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends python3-sklearn python3-scipy ||
  { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends python3-sklearn python3-scipy; }
"$PY" -c "import sklearn, scipy"
