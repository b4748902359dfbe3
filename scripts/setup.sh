#!/usr/bin/env bash
# Installs what JetBridge needs on a Debian machine (idempotent: what exists is kept):
#   scripts/setup.sh              bubblewrap, busybox, kubectl, Node.js + npm, then `npm ci` (Node.js
#                                 24 comes from the npm registry into node_modules/.bin)
#   scripts/setup.sh --for-tests  also PostgreSQL and NATS (installed if missing, started if down),
#                                 and the real fly when the Go module proxy serves it
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
for_tests=0
[ "${1:-}" = "--for-tests" ] && for_tests=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
log() { printf '== %s\n' "$*"; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
[ -x /bin/busybox ] || missing+=(busybox)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v git >/dev/null || missing+=(git)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if [ "$for_tests" = 1 ]; then
  command -v psql >/dev/null || missing+=(postgresql)
  command -v nats-server >/dev/null || missing+=(nats-server)
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

if [ "$for_tests" = 1 ]; then
  log "PostgreSQL on 127.0.0.1:5432"
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    for version in $(ls /etc/postgresql); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432
  # The tests connect as postgres/postgres over TCP; with trust auth the password is ignored.
  if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
  fi

  log "NATS with JetStream on 127.0.0.1:4222"
  nats_up() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
  if ! nats_up; then
    as_root mkdir -p /var/lib/nats-server
    as_root start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    for _ in $(seq 1 30); do nats_up && break; sleep 1; done
  fi
  nats_up

  log "fly"
  # The real fly, built from source when the Go module proxy serves it; otherwise the tests drive
  # JetBridge through test/support/fly, which follows fly's protocol.
  if ! command -v fly >/dev/null && [ ! -x "$HOME/go/bin/fly" ] && command -v go >/dev/null; then
    timeout 600 go install github.com/concourse/concourse/fly@95872ce1a3af6fc0c4ab7f23658ec81f3e778d7c \
      2>/dev/null || echo "fly cannot be built here: the tests use the fly protocol client"
  fi

  log "helm"
  # The chart tests render the chart with helm; Debian has no package for it, the Go module proxy does.
  if ! command -v helm >/dev/null && [ ! -x "$HOME/go/bin/helm" ] && command -v go >/dev/null; then
    timeout 900 go install helm.sh/helm/v3/cmd/helm@v3.22.0 \
      || echo "helm could not be built here: the chart is then checked from its templates only"
  fi
fi

# npm writes node_modules/.package-lock.json on every install: when it is newer than the lock file,
# the dependencies are already what the lock file says.
if [ -x node_modules/.bin/node ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  log "dependencies are up to date"
else
  log "npm ci (brings Node.js 24)"
  npm ci --no-audit --no-fund --loglevel=error
fi
node_modules/.bin/node --version | grep -q '^v24\.' || { echo "Node.js 24 did not install"; exit 1; }
log "ready"
