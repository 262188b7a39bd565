# Sourced by run-tests and run-example: pick a Python that may install
# packages (a venv in .venv when the system Python is externally managed, as
# Debian's is), install dh-aimodel with the given extras, and put its
# commands first on PATH.
PY=python3
if python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
    # A .venv without a working pip is half made (python3-venv was missing
    # when it was created: python3 -m venv fails after making bin/python):
    # start it again rather than fail on every later run.
    if [ -e .venv ] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
        echo "tools/env.sh: .venv has no working pip; making it again" >&2
        rm -rf .venv
    fi
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv 2>/dev/null || {
            rm -rf .venv
            [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv .venv
        }
    fi
    PY=$PWD/.venv/bin/python
    export PATH="$PWD/.venv/bin:$PATH"
fi
spec=.
[ -z "${AIMODEL_EXTRAS:-}" ] || spec=".[$AIMODEL_EXTRAS]"
"$PY" -m pip install --quiet --disable-pip-version-check "$spec" ${AIMODEL_PIP_EXTRA:-}
