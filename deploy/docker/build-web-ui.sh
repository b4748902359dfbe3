#!/bin/sh
# Builds the web UI inside the image build when the tree has a build for it: a root `build:web-ui`
# script, or a `build` script in the `@jetbridge/web-ui` workspace. A tree without either has no
# separate front end to build, and the image is built without one.
set -eu

has_root_script() {
  node -e 'const s = require("./package.json").scripts ?? {}; process.exit(s[process.argv[1]] ? 0 : 1)' "$1"
}

web_ui_workspace() {
  for manifest in libs/*/package.json services/*/package.json tools/*/package.json; do
    [ -f "$manifest" ] || continue
    if node -e '
      const p = require("./" + process.argv[1]);
      process.exit(p.name === "@jetbridge/web-ui" && p.scripts?.build ? 0 : 1);
    ' "$manifest"; then
      echo "@jetbridge/web-ui"
      return 0
    fi
  done
  return 1
}

if has_root_script build:web-ui; then
  echo "building the web UI: npm run build:web-ui"
  npm run build:web-ui
elif workspace=$(web_ui_workspace); then
  echo "building the web UI: npm run build -w $workspace"
  npm run build -w "$workspace"
else
  echo "no web UI build script in this tree; skipping the front end stage"
fi
