# Shared set-up for the run, test and benchmark commands. Source it with the set of extras to install:
#   . scripts/setup.sh            # the portal only
#   SETUP_EXTRAS=test . scripts/setup.sh
# Creates .venv with the machine's python3, installs the project when pyproject.toml changed, and compiles
# the Swedish catalogue. Installs gettext with apt-get when msgfmt is missing.
set -euo pipefail
export PIP_DISABLE_PIP_VERSION_CHECK=1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

apt_install() {
  # Debian packages, without recommends (chromium would pull in a desktop otherwise).
  export DEBIAN_FRONTEND=noninteractive
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "==> apt-get install $*"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

command -v msgfmt >/dev/null || apt_install gettext
# WeasyPrint (the annual report's PDF) lays out text with Pango and embeds DejaVu fonts.
if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
fi
extras=${SETUP_EXTRAS:-}
hash=$(sha256sum pyproject.toml | cut -c1-16)
stamp=".venv/.installed-$hash-${extras:-base}"
# The test extras include everything the portal needs, so a test set-up also serves the run command.
if [ ! -e "$stamp" ] && [ ! -e ".venv/.installed-$hash-test" ]; then
  echo "==> installing Python packages${extras:+ [$extras]}"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".${extras:+[$extras]}"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# pa11y (tests/browser/test_pa11y.py) from the npm registry, pinned by its lock file and installed again only when
# the lock file changes; Puppeteer never downloads a browser (the tests drive Debian's Chromium). Offline with a
# warm npm cache it installs from the cache; without either, the pa11y test says why it cannot run.
if [ "$extras" = test ] && command -v npm >/dev/null; then
  pa11y_dir=tests/browser/pa11y
  pa11y_stamp="$pa11y_dir/node_modules/.installed-$(sha256sum "$pa11y_dir/package-lock.json" | cut -c1-16)"
  if [ ! -e "$pa11y_stamp" ]; then
    echo "==> installing pa11y (npm ci)"
    if PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix "$pa11y_dir" --prefer-offline --no-audit --no-fund --loglevel=error; then
      touch "$pa11y_stamp"
    else
      echo "warning: pa11y could not be installed; tests/browser/test_pa11y.py will fail in CI and skip elsewhere" >&2
    fi
  fi
fi
# compilemessages only needs the settings to load; DEBUG=on spares it a SECRET_KEY.
DEBUG=on .venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=var
