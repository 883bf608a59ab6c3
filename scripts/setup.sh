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
# compilemessages only needs the settings to load; DEBUG=on spares it a SECRET_KEY.
DEBUG=on .venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=var
