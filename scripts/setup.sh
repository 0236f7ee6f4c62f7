#!/usr/bin/env bash
# Install everything Tekenklaar needs on a Debian/Ubuntu machine; safe to run again.
#   - system packages: LibreOffice Writer (PDF), Debian's python3-uno (for unoserver),
#     Chromium (browser tests), fonts, poppler (PDF tools)
#   - .venv      the project's virtual environment with its Python packages
#   - .venv-uno  Debian's Python with python3-uno, running the unoserver PDF converter
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-symbola (emoji and symbols, monochrome so LibreOffice embeds them as text) and
# fonts-noto-cjk (Chinese, Japanese, Korean): every character of a name that is in the DOCX is
# in the PDF too (tests/documents/test_layout.py)
SYSTEM_PACKAGES=(libreoffice-writer-nogui python3-uno python3-venv chromium
                 fonts-dejavu-core fonts-liberation2 fonts-noto-core fonts-symbola
                 fonts-noto-cjk poppler-utils)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> Installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
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
