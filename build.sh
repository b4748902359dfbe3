#!/usr/bin/env bash
# Builds the JetBridge image from Dockerfile.build and tags it; --push also pushes every tag.
#
#   ./build.sh [--image NAME] [--tag TAG]... [--platform LIST] [--push] [--dry-run]
#
# NAME defaults to $JETBRIDGE_IMAGE or `jetbridge`; the tags default to the package version and
# `latest`. --dry-run prints the docker commands instead of running them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
image=${JETBRIDGE_IMAGE:-jetbridge}
tags=()
platform=''
push=false
dry_run=false

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=${2:?--image needs a value}; shift 2 ;;
    --tag) tags+=("${2:?--tag needs a value}"); shift 2 ;;
    --platform) platform=${2:?--platform needs a value}; shift 2 ;;
    --push) push=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [ ${#tags[@]} -eq 0 ]; then
  version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/package.json" | head -n 1)
  tags=("${version:-dev}" latest)
fi

run() {
  if $dry_run; then
    printf '%q' "$1"
    shift
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

if ! $dry_run && ! command -v docker > /dev/null; then
  echo "build.sh: docker is not installed; see --dry-run for the commands" >&2
  exit 1
fi

build=(docker build -f "$root/Dockerfile.build" --target runtime)
for tag in "${tags[@]}"; do build+=(-t "$image:$tag"); done
if [ -n "$platform" ]; then build+=(--platform "$platform"); fi
run "${build[@]}" "$root"

if $push; then
  for tag in "${tags[@]}"; do run docker push "$image:$tag"; done
fi
