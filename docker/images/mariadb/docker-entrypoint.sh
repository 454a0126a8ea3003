#!/bin/sh
# Sets the root password and the database at every start (an init file runs
# before the server accepts connections), then runs mariadbd on every interface.
set -eu
if [ "${1#-}" != "$1" ]; then set -- mariadbd "$@"; fi
if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
  shift
  mkdir -p /run/mysqld
  chown mysql:mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
  fi
  init=/run/mysqld/init.sql
  password="$(printf '%s' "${MARIADB_ROOT_PASSWORD:?set MARIADB_ROOT_PASSWORD}" | sed "s/'/''/g")"
  {
    echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$password';"
    echo "ALTER USER 'root'@'%' IDENTIFIED BY '$password';"
    echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "${MARIADB_DATABASE:-}" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"
    fi
  } >"$init"
  chown mysql:mysql "$init"
  chmod 600 "$init"
  exec mariadbd --user=mysql --bind-address=0.0.0.0 --skip-name-resolve --init-file="$init" "$@"
fi
exec "$@"
