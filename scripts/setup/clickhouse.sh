#!/usr/bin/env bash
# Starts a loopback-only ClickHouse for the collector's tests. Idempotent: when a server
# already answers on the HTTP port it does nothing (and the test runner leaves it running).
# A server it starts is recorded in $INFERLOG_STARTED_FILE, so `pnpm test` stops it at the end.
set -euo pipefail

HTTP_PORT="${INFERLOG_CLICKHOUSE_HTTP_PORT:-8123}"
TCP_PORT="${INFERLOG_CLICKHOUSE_TCP_PORT:-9000}"
DATA_DIR="${INFERLOG_CLICKHOUSE_DATA_DIR:-/tmp/inferlog-clickhouse}"
USERS_CONFIG="${INFERLOG_CLICKHOUSE_USERS_CONFIG:-/etc/clickhouse-server/users.xml}"
URL="http://127.0.0.1:${HTTP_PORT}/"

command -v curl >/dev/null || { echo "clickhouse: curl is needed to probe the server (apt-get install -y curl)" >&2; exit 1; }

answers() { curl -fsS --max-time 2 "${URL}?query=SELECT%201" 2>/dev/null | grep -q '^1$'; }

if answers; then
  echo "clickhouse: already answering on ${URL}"
  exit 0
fi

server_bin() { command -v clickhouse-server || ls /usr/sbin/clickhouse-server /usr/bin/clickhouse-server 2>/dev/null | head -n1; }

if [ -z "$(server_bin)" ]; then
  echo "clickhouse: clickhouse-server missing; installing Debian's package"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends clickhouse-server ||
    { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends clickhouse-server; }
fi
BIN="$(server_bin)"

mkdir -p "${DATA_DIR}/data/" "${DATA_DIR}/tmp/" "${DATA_DIR}/format_schemas/"
CONFIG="${DATA_DIR}/config.xml"
# Debian's 18.16 config root is <yandex>; only the settings we need, everything else at defaults.
cat >"${CONFIG}" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${DATA_DIR}/clickhouse-server.log</log>
    <errorlog>${DATA_DIR}/clickhouse-server.err.log</errorlog>
    <size>10M</size>
    <count>2</count>
  </logger>
  <http_port>${HTTP_PORT}</http_port>
  <tcp_port>${TCP_PORT}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${DATA_DIR}/data/</path>
  <tmp_path>${DATA_DIR}/tmp/</tmp_path>
  <format_schema_path>${DATA_DIR}/format_schemas/</format_schema_path>
  <users_config>${USERS_CONFIG}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
XML

echo "clickhouse: starting ${BIN} on 127.0.0.1:${HTTP_PORT} (data in ${DATA_DIR})"
# setsid + nohup: the server must outlive this script and the test runner that called it.
setsid nohup "${BIN}" --config-file="${CONFIG}" >"${DATA_DIR}/stdout.log" 2>&1 </dev/null &
# setsid execs the server (a background job is no group leader, so it need not fork): $! is its pid.
SERVER_PID=$!

for _ in $(seq 1 120); do
  if answers; then
    echo "clickhouse: answering: version $(curl -fsS "${URL}?query=SELECT%20version()")"
    # The test runner (scripts/run-tests.mjs) stops what its setup started, by this pid, at the end.
    if [ -n "${INFERLOG_STARTED_FILE:-}" ] && kill -0 "${SERVER_PID}" 2>/dev/null; then
      echo "clickhouse ${SERVER_PID}" >>"${INFERLOG_STARTED_FILE}"
    fi
    exit 0
  fi
  sleep 0.5
done

echo "clickhouse: did not answer on ${URL} within 60 s. Log tail:" >&2
tail -n 40 "${DATA_DIR}/stdout.log" "${DATA_DIR}/clickhouse-server.err.log" "${DATA_DIR}/clickhouse-server.log" 2>/dev/null >&2 || true
exit 1
