#!/usr/bin/env bash
# Build step (packaging/pom.xml): records which classes the agent and a client query load, as
# the JDK's class lists (plain text, valid for any JDK 17+), into OUT/agent.classlist and
# OUT/client.classlist. The package ships them and its postinst dumps the class-data archives
# from them with the host's JDK (deb/update-cds). The agent runs once on the demo images, in a
# private temp dir, until its start-up scan is persisted; a `vgs` against it records the client.
# Usage: record-classlists.sh FULL_JAR CLIENT_JAR DEVICES_DIR OUT
set -euo pipefail
JAR="$1" CLIENT="$2" DEVICES="$3" OUT="$4"
mkdir -p "$OUT"
tmp="$(mktemp -d /tmp/lvmcoord-classlist.XXXXXX)"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
java -Xshare:off -XX:+UseSerialGC -XX:DumpLoadedClassList="$tmp/agent.classlist" -jar "$JAR" agent \
  --devices-dir "$DEVICES" --socket "$tmp/agent.sock" --state-dir "$tmp/state" --node-name classlist 2> "$tmp/agent.log" &
pid=$!
for _ in $(seq 1 600); do
  grep -q "start-up scan persisted" "$tmp/agent.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/agent.log" >&2; echo "record-classlists: the agent exited" >&2; exit 1; }
  sleep 0.1
done
grep -q "start-up scan persisted" "$tmp/agent.log" || { cat "$tmp/agent.log" >&2; echo "record-classlists: no persisted scan in 60 s" >&2; exit 1; }
java -Xshare:off -XX:+UseSerialGC -XX:DumpLoadedClassList="$tmp/client.classlist" -cp "$CLIENT" \
  io.lvmcoord.agent.client.ClientCli vgs --socket "$tmp/agent.sock" > /dev/null
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
mv "$tmp/agent.classlist" "$tmp/client.classlist" "$OUT/"
