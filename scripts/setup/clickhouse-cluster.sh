#!/usr/bin/env bash
# Starts a loopback-only ClickHouse cluster for the collector's cluster test
# (packages/collector/src/store/clickhouse-cluster.test.ts): one ZooKeeper (Debian's zookeeperd) and two
# ClickHouse servers that are the two replicas of one shard of the cluster `inferlog_test`.
# Idempotent: whatever already answers is left alone. Each server's pid is in <its dir>/server.pid.
# What it starts is recorded in $INFERLOG_STARTED_FILE (ClickHouse servers first, by pid file, so
# `pnpm test` stops them before their ZooKeeper, and a replica the test restarted too).
set -euo pipefail

ZK_PORT="${INFERLOG_ZOOKEEPER_PORT:-2281}"
HTTP_PORTS=("${INFERLOG_CLUSTER_HTTP_PORT_1:-8124}" "${INFERLOG_CLUSTER_HTTP_PORT_2:-8125}")
TCP_PORTS=("${INFERLOG_CLUSTER_TCP_PORT_1:-9001}" "${INFERLOG_CLUSTER_TCP_PORT_2:-9002}")
INTERSERVER_PORTS=("${INFERLOG_CLUSTER_INTERSERVER_PORT_1:-9010}" "${INFERLOG_CLUSTER_INTERSERVER_PORT_2:-9011}")
BASE_DIR="${INFERLOG_CLUSTER_DIR:-/tmp/inferlog-clickhouse-cluster}"
USERS_CONFIG="${INFERLOG_CLICKHOUSE_USERS_CONFIG:-/etc/clickhouse-server/users.xml}"
CLUSTER=inferlog_test

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
command -v curl >/dev/null || { echo "clickhouse-cluster: curl is needed to probe the servers (apt-get install -y curl)" >&2; exit 1; }

install_debian() {
  echo "clickhouse-cluster: installing Debian's $*"
  $SUDO apt-get install -y --no-install-recommends "$@" ||
    { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "$@"; }
}

# ZooKeeper's four-letter `srvr` command answers "Mode: standalone" once it serves.
zk_answers() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/${ZK_PORT} && echo srvr >&3 && cat <&3" 2>/dev/null | grep -q '^Mode:'
}
ch_answers() { curl -fsS --max-time 2 "http://127.0.0.1:$1/?query=SELECT%201" 2>/dev/null | grep -q '^1$'; }

started=()
ZK_PID=""

# ---- ZooKeeper -----------------------------------------------------------------------------------
if zk_answers; then
  echo "clickhouse-cluster: ZooKeeper already answering on 127.0.0.1:${ZK_PORT}"
else
  [ -r /usr/share/java/zookeeper.jar ] || install_debian zookeeperd
  command -v java >/dev/null || install_debian default-jre-headless
  ZK_DIR="${BASE_DIR}/zookeeper"
  mkdir -p "${ZK_DIR}/conf" "${ZK_DIR}/data"
  # Our own config and data, not the system service's: loopback only, on our port.
  cat >"${ZK_DIR}/conf/zoo.cfg" <<CFG
tickTime=2000
dataDir=${ZK_DIR}/data
clientPort=${ZK_PORT}
clientPortAddress=127.0.0.1
maxClientCnxns=200
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok
autopurge.purgeInterval=1
CFG
  echo "clickhouse-cluster: starting ZooKeeper on 127.0.0.1:${ZK_PORT} (data in ${ZK_DIR})"
  setsid nohup java -Xmx256m -cp "${ZK_DIR}/conf:/usr/share/java/zookeeper.jar" \
    org.apache.zookeeper.server.ZooKeeperServerMain "${ZK_DIR}/conf/zoo.cfg" \
    >"${ZK_DIR}/stdout.log" 2>&1 </dev/null &
  ZK_PID=$!
  for _ in $(seq 1 60); do zk_answers && break; sleep 0.5; done
  zk_answers || { echo "clickhouse-cluster: ZooKeeper did not answer within 30 s:" >&2; tail -n 30 "${ZK_DIR}/stdout.log" >&2; exit 1; }
fi

# ---- ClickHouse servers -------------------------------------------------------------------------
server_bin() { command -v clickhouse-server || ls /usr/sbin/clickhouse-server /usr/bin/clickhouse-server 2>/dev/null | head -n1; }
[ -n "$(server_bin)" ] || install_debian clickhouse-server
BIN="$(server_bin)"

replicas_xml=""
shards_xml=""
for i in 0 1; do
  replicas_xml+="<replica><host>127.0.0.1</host><port>${TCP_PORTS[$i]}</port></replica>"
  shards_xml+="<shard><replica><host>127.0.0.1</host><port>${TCP_PORTS[$i]}</port></replica></shard>"
done

pids=()
for i in 0 1; do
  n=$((i + 1))
  # A replica the cluster test paused (SIGSTOP) and could not resume (the test was killed) goes on.
  pid_file="${BASE_DIR}/ch${n}/server.pid"
  if [ -r "${pid_file}" ]; then
    pid="$(cat "${pid_file}")"
    if grep -q "ch${n}/config.xml" "/proc/${pid}/cmdline" 2>/dev/null &&
      [ "$(awk '{print $3}' "/proc/${pid}/stat" 2>/dev/null)" = "T" ]; then
      echo "clickhouse-cluster: replica ${n} (pid ${pid}) was paused; resuming it"
      kill -CONT "${pid}"
    fi
  fi
  if ch_answers "${HTTP_PORTS[$i]}"; then
    echo "clickhouse-cluster: replica ${n} already answering on 127.0.0.1:${HTTP_PORTS[$i]}"
    pids+=("")
    continue
  fi
  DIR="${BASE_DIR}/ch${n}"
  mkdir -p "${DIR}/data/" "${DIR}/tmp/" "${DIR}/format_schemas/"
  # Debian's 18.16 config root is <yandex>. Each server: its own ports and data, the same cluster
  # definition (one shard, both replicas; inserts replicate by themselves, so internal_replication),
  # ZooKeeper for the replicated tables and the ON CLUSTER DDL queue, and its own {replica} macro.
  cat >"${DIR}/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${DIR}/clickhouse-server.log</log>
    <errorlog>${DIR}/clickhouse-server.err.log</errorlog>
    <size>10M</size>
    <count>2</count>
  </logger>
  <http_port>${HTTP_PORTS[$i]}</http_port>
  <tcp_port>${TCP_PORTS[$i]}</tcp_port>
  <interserver_http_port>${INTERSERVER_PORTS[$i]}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <path>${DIR}/data/</path>
  <tmp_path>${DIR}/tmp/</tmp_path>
  <format_schema_path>${DIR}/format_schemas/</format_schema_path>
  <users_config>${USERS_CONFIG}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <zookeeper>
    <node><host>127.0.0.1</host><port>${ZK_PORT}</port></node>
    <session_timeout_ms>10000</session_timeout_ms>
  </zookeeper>
  <remote_servers>
    <${CLUSTER}>
      <shard><internal_replication>true</internal_replication>${replicas_xml}</shard>
    </${CLUSTER}>
    <!-- Only for the test that the collector refuses more than one shard. -->
    <${CLUSTER}_two_shards>${shards_xml}</${CLUSTER}_two_shards>
  </remote_servers>
  <macros><shard>01</shard><replica>replica${n}</replica></macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
XML
  echo "clickhouse-cluster: starting replica ${n} on 127.0.0.1:${HTTP_PORTS[$i]} (data in ${DIR})"
  # setsid + nohup: the server outlives this script; setsid execs it, so $! is the server's pid.
  setsid nohup "${BIN}" --config-file="${DIR}/config.xml" >"${DIR}/stdout.log" 2>&1 </dev/null &
  pids+=("$!")
  # The cluster test pauses a replica (SIGSTOP, then SIGCONT), and kills it and starts it again.
  echo "$!" >"${DIR}/server.pid"
done

for i in 0 1; do
  n=$((i + 1))
  for _ in $(seq 1 120); do ch_answers "${HTTP_PORTS[$i]}" && break; sleep 0.5; done
  if ! ch_answers "${HTTP_PORTS[$i]}"; then
    echo "clickhouse-cluster: replica ${n} did not answer on 127.0.0.1:${HTTP_PORTS[$i]} within 60 s. Log tail:" >&2
    tail -n 40 "${BASE_DIR}/ch${n}/stdout.log" "${BASE_DIR}/ch${n}/clickhouse-server.err.log" 2>/dev/null >&2 || true
    exit 1
  fi
  # By its pid file: the cluster test kills and restarts a replica, which then has another pid.
  [ -n "${pids[$i]}" ] && started+=("clickhouse-replica${n} ${BASE_DIR}/ch${n}/server.pid")
done
[ -n "${ZK_PID}" ] && started+=("zookeeper ${ZK_PID}")

# Both servers must see ZooKeeper before a test creates replicated tables.
for i in 0 1; do
  ok=""
  for _ in $(seq 1 40); do
    if curl -fsS --max-time 2 "http://127.0.0.1:${HTTP_PORTS[$i]}/" --data-binary \
      "SELECT count() FROM system.zookeeper WHERE path = '/'" 2>/dev/null | grep -q '^[1-9]'; then
      ok=1
      break
    fi
    sleep 0.5
  done
  [ -n "${ok}" ] || { echo "clickhouse-cluster: replica $((i + 1)) does not reach ZooKeeper on 127.0.0.1:${ZK_PORT}" >&2; exit 1; }
done

if [ -n "${INFERLOG_STARTED_FILE:-}" ]; then
  for line in "${started[@]}"; do echo "${line}" >>"${INFERLOG_STARTED_FILE}"; done
fi
echo "clickhouse-cluster: cluster ${CLUSTER} answering: replicas on 127.0.0.1:${HTTP_PORTS[0]} and :${HTTP_PORTS[1]}, ZooKeeper on :${ZK_PORT}"
