#!/usr/bin/env bash
# Sourced by scripts/test.sh: gets Docker answering and the backend images built, so
# each driver's conformance suite also runs in Testcontainers containers. On success
# it exports SESSIONKIT_CONTAINER_TESTS=1 and the SESSIONKIT_*_IMAGE variables; when
# that is not possible it prints one line saying why, and every other test still runs.
#
#   sessionkit_containers_traps     first: cleanup on EXIT, and on INT/TERM through it
#   sessionkit_containers_prepare   before the tests
#   sessionkit_containers_cleanup   after them (the EXIT trap runs it again, harmlessly)
#
# or, to prepare beside other work (the image builds are mostly downloads):
#
#   sessionkit_containers_start     in the background, output held back
#   sessionkit_containers_wait      prints it and takes over its variables
#
# SESSIONKIT_CONTAINER_TESTS=0 turns the container runs off. Without a registry (the
# default here) the images come from docker/images/build.sh; with one, set
# SESSIONKIT_BUILD_IMAGES=0 to run the pinned official images instead.

sessionkit_containers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sessionkit_started_dockerd=""
sessionkit_containers_seconds=0

_sessionkit_containers_off() {
  export SESSIONKIT_CONTAINER_TESTS=0
  echo "› containers: the container runs are not possible here: $*; every other test runs"
}

# Removes the containers of test processes that are gone (a killed worker, an earlier run
# that was killed); containers of processes still running (another run) are left alone.
_sessionkit_remove_orphans() {
  local id pid
  docker ps -aq --filter label=sessionkit.pid --format '{{.ID}} {{.Label "sessionkit.pid"}}' 2>/dev/null |
    while read -r id pid; do
      kill -0 "$pid" 2>/dev/null || docker rm -f -v "$id" >/dev/null 2>&1 || true
    done
}

_sessionkit_docker_answers() { timeout 20 docker info >/dev/null 2>&1; }

sessionkit_containers_prepare() {
  local started=$SECONDS
  if [[ "${SESSIONKIT_CONTAINER_TESTS:-}" == "0" ]]; then
    export SESSIONKIT_CONTAINER_TESTS=0
    echo "› containers: the container runs are off (SESSIONKIT_CONTAINER_TESTS=0); every other test runs"
    return 0
  fi
  if ! command -v docker >/dev/null 2>&1; then
    _sessionkit_containers_off "no docker command (install docker.io, or run as root so scripts/setup-system.sh can)"
    return 0
  fi
  if ! _sessionkit_docker_answers; then
    local why=""
    if [[ -n "${DOCKER_HOST:-}" ]]; then
      why="Docker does not answer at DOCKER_HOST=$DOCKER_HOST"
    elif ! command -v dockerd >/dev/null 2>&1; then
      why="Docker does not answer and dockerd is not installed (apt install docker.io)"
    elif [[ $(id -u) -ne 0 ]]; then
      why="Docker does not answer and starting dockerd needs root"
    fi
    if [[ -n "$why" ]]; then
      _sessionkit_containers_off "$why"
      return 0
    fi
    echo "› containers: starting dockerd"
    local log=/tmp/sessionkit-dockerd.log
    setsid dockerd --ip 127.0.0.1 >"$log" 2>&1 </dev/null &
    sessionkit_started_dockerd=$!
    if [[ -n "${_sessionkit_prepare_out:-}" ]]; then echo "$sessionkit_started_dockerd" >"$_sessionkit_prepare_out/dockerd"; fi
    local waited=0
    until _sessionkit_docker_answers; do
      if ! kill -0 "$sessionkit_started_dockerd" 2>/dev/null || ((waited >= 60)); then
        _sessionkit_containers_off "dockerd did not start ($(grep -i -m1 -E 'level=(fatal|error)' "$log" | sed -E 's/.*msg="?([^"]*)"?.*/\1/' || true))"
        sessionkit_started_dockerd=""
        return 0
      fi
      sleep 1
      waited=$((waited + 1))
    done
  fi
  _sessionkit_remove_orphans
  if [[ "${SESSIONKIT_BUILD_IMAGES:-1}" != "0" ]]; then
    local exports
    if ! exports="$(nice -n 10 bash "$sessionkit_containers_dir/images/build.sh" --env)"; then
      _sessionkit_containers_off "the images could not be built (docker/images/build.sh failed, see above)"
      return 0
    fi
    eval "$exports"
  fi
  export SESSIONKIT_CONTAINER_TESTS=1
  export SESSIONKIT_CONTAINER_RUN="${SESSIONKIT_CONTAINER_RUN:-run-$$-$RANDOM}"
  # Testcontainers' reaper is an image from Docker Hub: the labels above do its job here.
  export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
  # The other test files keep running on local binaries, as without Docker.
  export SESSIONKIT_BACKEND_SOURCES="${SESSIONKIT_BACKEND_SOURCES:-env,local}"
  sessionkit_containers_seconds=$((SECONDS - started))
  echo "› containers: Docker answers, images ready in ${sessionkit_containers_seconds} s; the conformance suites also run in containers (run $SESSIONKIT_CONTAINER_RUN)"
}

# A trap set in a function is the whole shell's: the caller's EXIT, INT and TERM now end with
# the cleanup (an interrupted run leaves no container or dockerd behind).
sessionkit_containers_traps() {
  trap sessionkit_containers_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

sessionkit_containers_cleanup() {
  # Stopped before the tests (a failed build or lint step): end the preparation too.
  if [[ -n "${_sessionkit_prepare_pid:-}" ]]; then
    _sessionkit_kill_tree "$_sessionkit_prepare_pid"
    wait "$_sessionkit_prepare_pid" 2>/dev/null || true
    _sessionkit_prepare_pid=""
    if [[ -f "$_sessionkit_prepare_out/dockerd" ]]; then
      sessionkit_started_dockerd="$(cat "$_sessionkit_prepare_out/dockerd")"
    fi
    rm -rf "$_sessionkit_prepare_out"
  fi
  if [[ "${SESSIONKIT_CONTAINER_TESTS:-}" == "1" ]] && _sessionkit_docker_answers; then
    local ids
    ids="$(docker ps -aq --filter "label=sessionkit.run=$SESSIONKIT_CONTAINER_RUN" 2>/dev/null)"
    if [[ -n "$ids" ]]; then
      echo "› containers: removing $(wc -w <<<"$ids") left by this run"
      # shellcheck disable=SC2086
      docker rm -f -v $ids >/dev/null 2>&1 || true
    fi
    _sessionkit_remove_orphans
  fi
  if [[ -n "$sessionkit_started_dockerd" ]]; then
    kill "$sessionkit_started_dockerd" 2>/dev/null || true
    sessionkit_started_dockerd=""
  fi
}

sessionkit_containers_start() {
  _sessionkit_prepare_out="$(mktemp -d /tmp/sessionkit-containers-XXXXXX)"
  (
    sessionkit_containers_prepare >"$_sessionkit_prepare_out/log" 2>&1 || true
    {
      export -p | grep -E '^declare -x (SESSIONKIT|TESTCONTAINERS)_' | sed 's/^declare -x /export /' || true
      echo "sessionkit_containers_seconds=$sessionkit_containers_seconds"
    } >"$_sessionkit_prepare_out/env"
  ) &
  _sessionkit_prepare_pid=$!
}

# A process and everything it started, children first (the preparation's builds).
_sessionkit_kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do _sessionkit_kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

sessionkit_containers_wait() {
  wait "$_sessionkit_prepare_pid" || true
  _sessionkit_prepare_pid=""
  cat "$_sessionkit_prepare_out/log"
  # shellcheck disable=SC1091
  [[ -f "$_sessionkit_prepare_out/env" ]] && source "$_sessionkit_prepare_out/env"
  [[ -f "$_sessionkit_prepare_out/dockerd" ]] && sessionkit_started_dockerd="$(cat "$_sessionkit_prepare_out/dockerd")"
  rm -rf "$_sessionkit_prepare_out"
  if [[ -z "${SESSIONKIT_CONTAINER_TESTS:-}" ]]; then
    _sessionkit_containers_off "preparing Docker stopped short (see above)"
  fi
}
