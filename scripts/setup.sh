#!/usr/bin/env bash
# Install everything Tekenklaar needs on a Debian/Ubuntu machine; safe to run again.
#   - system packages: LibreOffice Writer (PDF), Debian's python3-uno (for unoserver),
#     Chromium (browser tests), fonts, poppler (PDF tools)
#   - .venv      the project's virtual environment, made from Debian's python3.11 (kept up to
#                date by Debian security: CVE-2024-6923 and friends), with the Python packages
#                pinned by hash in requirements.lock
#   - .venv-uno  Debian's Python with python3-uno, running the unoserver PDF converter
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-symbola (emoji and symbols, monochrome so LibreOffice embeds them as text) and
# fonts-noto-cjk (Chinese, Japanese, Korean): every character of a name that is in the DOCX is
# in the PDF too (tests/documents/test_layout.py)
SYSTEM_PACKAGES=(libreoffice-writer-nogui python3-uno python3-venv chromium
                 fonts-dejavu-core fonts-liberation2 fonts-noto-core fonts-symbola
                 fonts-noto-cjk poppler-utils)

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
# apt_install PKG...: one set-up at a time installs (several checkouts may set up at once), and
# a lock held by another apt (an unattended upgrade) is waited for rather than failed on.
apt_install() {
  (
    flock 9
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      if $SUDO apt-get -o DPkg::Lock::Timeout=120 update -qq &&
         DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=120 install \
           -y -qq --no-install-recommends "$@"; then
        exit 0
      fi
      echo "==> apt is busy or failed (attempt $attempt of 10); trying again in 15 s" >&2
      sleep 15
    done
    exit 1
  ) 9>/tmp/tekenklaar-setup-apt.lock
}
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing system packages: ${missing[*]}"
  apt_install "${missing[@]}"
fi

# Debian's Python, with its security updates. A .venv made from another interpreter (pyenv's
# 3.11.7 writes an encoded line break raw into a mail header, CVE-2024-6923) is made again.
PYTHON=/usr/bin/python3.11
PYTHON_PACKAGES=(python3.11 python3.11-venv python3.11-dev)
venv_base() { .venv/bin/python -c 'import sys; print(sys._base_executable)' 2>/dev/null || true; }
if [ ! -x .venv/bin/python ] || [ "$(readlink -f "$(venv_base)")" != "$(readlink -f "$PYTHON")" ]; then
  echo "==> Installing the current Debian python3.11 (security updates)"
  apt_install "${PYTHON_PACKAGES[@]}"
  echo "==> Creating .venv from $PYTHON"
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi
# The interpreter must fold an encoded CR LF in a header safely (CVE-2024-6923 fixed).
if ! .venv/bin/python scripts/check_python.py; then
  echo "!! $PYTHON writes a decoded line break into mail headers (CVE-2024-6923)." >&2
  echo "!! Update it: apt-get update && apt-get install python3.11" >&2
  exit 1
fi

# The Python packages come from requirements.lock (pinned, with hashes). `make lock` makes it
# again from pyproject.toml and records the hash of pyproject's dependencies in its first line.
deps_hash=$(.venv/bin/python scripts/lock_hash.py)
if ! head -n 1 requirements.lock | grep -q "dependencies-sha256: $deps_hash"; then
  echo "!! pyproject.toml's dependencies changed, but requirements.lock was not made again." >&2
  echo "!! Run 'make lock' and commit requirements.lock." >&2
  exit 1
fi
stamp=.venv/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> Installing Python packages into .venv (requirements.lock, hashes checked)"
  .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ ! -x .venv-uno/bin/unoserver ]; then
  echo "==> Creating .venv-uno (Debian's Python with python3-uno) for unoserver"
  rm -rf .venv-uno
  /usr/bin/python3 -m venv --system-site-packages .venv-uno
  .venv-uno/bin/python -m pip install -q "unoserver>=2.1"
fi
echo "==> Set-up complete"
