# Sourced by ops/test: makes sure Debian's chromium and chromium-driver are there for the browser test
# (processor ConsoleBrowserIT). Installs them non-interactively when missing; if that is impossible (not root and
# no sudo, no apt-get, no package mirror) it says so loudly and the test skips itself.

browser_warn() {
  echo "" >&2
  echo "*** WARNING: $1" >&2
  echo "*** ConsoleBrowserIT (the operator console in headless Chromium) will be SKIPPED." >&2
  echo "*** Install Debian's 'chromium' and 'chromium-driver' to run it." >&2
  echo "" >&2
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      browser_warn "chromium is missing and this user cannot install packages (not root, no sudo)"; return 0
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    browser_warn "chromium is missing and there is no apt-get here"; return 0
  fi
  echo "installing chromium and chromium-driver for the browser test (apt-get, non-interactive)" >&2
  # Another apt run on a shared machine holds the lock for a while: wait for it rather than fail.
  if ! { DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq &&
         DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
           --no-install-recommends chromium chromium-driver; } </dev/null >&2; then
    browser_warn "apt-get could not install chromium and chromium-driver"
    return 0
  fi
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    browser_warn "chromium or chromedriver is still missing after apt-get install"
  fi
}

ensure_chromium
