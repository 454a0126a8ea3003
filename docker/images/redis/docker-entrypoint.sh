#!/bin/sh
# Like the official image: no config file means no protected mode, so clients
# outside the container (the published port) are answered.
set -e
if [ "${1#-}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server --bind "*" --protected-mode no "$@"
fi
exec "$@"
