#!/usr/bin/env bash
# The container test (`npm run test:docker`): starts this project's Docker engine (scripts/docker-engine.sh),
# builds the images with nothing pulled (scripts/docker-images.sh), runs test/docker (the role containers with
# host networking, the cluster scenario, a rolling restart) and removes every container it made. The images and
# the base tarball stay cached; an engine this script started is stopped again.
#
#   DOCKER_TEST_FIGURES=<file>   also write the rolling restart's figures there as JSON
#
# Exit 75 (EX_TEMPFAIL) when no engine can start here (not root, no docker.io, dockerd refuses to start), after
# saying why: .ci/run skips the job on that code only; any other failure fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
eval "$(bash scripts/docker-engine.sh env)"
export DOCKER_HOST

started=0
if ! bash scripts/docker-engine.sh status >/dev/null; then
  if ! why=$(bash scripts/docker-engine.sh can-run); then
    echo "[docker-test] no Docker engine can start here: $why"
    exit 75
  fi
  if ! bash scripts/docker-engine.sh start; then
    echo "[docker-test] the Docker engine did not start (above: dockerd's last lines)"
    exit 75
  fi
  started=1
fi
cleanup() {
  # A safety net: the test removes its containers itself, but not when it is killed.
  local left
  left=$(/usr/bin/docker ps -aq --filter label=chat-docker-test=1 2>/dev/null || true)
  if [ -n "$left" ]; then
    echo "[docker-test] removing containers left behind: $(echo "$left" | wc -w)"
    # shellcheck disable=SC2086
    /usr/bin/docker rm -f -v $left >/dev/null || true
  fi
  if [ "$started" = 1 ]; then bash scripts/docker-engine.sh stop || true; fi
}
trap cleanup EXIT

i0=$SECONDS
bash scripts/docker-images.sh all
echo "[docker-test] images ready in $((SECONDS - i0)) s"

j0=$SECONDS
npx jest --runInBand -c test/docker/jest.config.js "$@"
echo "[docker-test] container test ran in $((SECONDS - j0)) s; total $((SECONDS - t0)) s"
