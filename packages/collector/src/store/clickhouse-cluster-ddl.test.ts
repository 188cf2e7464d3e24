import { describe, expect, it } from "vitest";
import {
  clusterName,
  clusterTable,
  clusterView,
  distributedCluster,
  isCreateDatabase,
  isCreateView,
} from "./clickhouse-cluster-ddl.js";
import { clickhouseDdl } from "./clickhouse-schema.js";

describe("the cluster form of the ClickHouse tables", () => {
  it("has a replicated and a Distributed table for every table the store creates", () => {
    const statements = clickhouseDdl("db").filter((s) => !isCreateDatabase(s) && !isCreateView(s));
    const tables = statements.map((s) => clusterTable(s, "db", "main"));
    expect(tables.map((t) => t.name)).toEqual([
      "events",
      "predictions",
      "candidates",
      "exposures",
      "feedback",
      "outcomes",
      "outcome_metrics",
      "features",
      "feature_profiles",
      "followups",
      "feature_names",
    ]);
    for (const t of tables) {
      expect(t.createReplicated).toContain(`CREATE TABLE IF NOT EXISTS db.${t.name} ON CLUSTER main (`);
      const engine = t.name === "followups" ? "ReplicatedAggregatingMergeTree" : "ReplicatedReplacingMergeTree";
      expect(t.createReplicated).toContain(
        `ENGINE = ${engine}('/clickhouse/tables/{shard}/db/${t.name}', '{replica}')`,
      );
    }
    const followups = tables.find((t) => t.name === "followups");
    expect(followups?.createReplicated).toMatch(/\) ORDER BY \(model_name, prediction_id\)$/);
    expect(followups?.createDistributed).toContain("cityHash64(model_name, prediction_id)");
  });

  it("makes the materialized views that feed followups and the feature names on every host, after the tables", () => {
    const statements = clickhouseDdl("db");
    const views = statements.filter(isCreateView).map((s) => clusterView(s, "main"));
    expect(views.map((v) => v.name)).toEqual([
      "followups_from_outcomes",
      "followups_from_exposures",
      "followups_from_feedback",
      "feature_names_from_features",
    ]);
    for (const view of views.filter((view) => view.name.startsWith("followups_"))) {
      const source = view.name.replace("followups_from_", "");
      expect(view.create).toMatch(
        new RegExp(
          `^CREATE MATERIALIZED VIEW IF NOT EXISTS db\\.${view.name} ON CLUSTER main TO db\\.followups\\s+AS SELECT `,
        ),
      );
      expect(view.create).toContain(`FROM db.${source} GROUP BY model_name, prediction_id`);
    }
    expect(views.find((view) => view.name === "feature_names_from_features")?.create).toMatch(
      /^CREATE MATERIALIZED VIEW IF NOT EXISTS db\.feature_names_from_features ON CLUSTER main TO db\.feature_names\s+AS SELECT DISTINCT model_name, name FROM db\.features$/,
    );
    const firstView = statements.findIndex(isCreateView);
    expect(statements.slice(firstView).every(isCreateView)).toBe(true);
    expect(() => clusterView("CREATE TABLE IF NOT EXISTS t (a Int64) ENGINE = Memory", "main")).toThrow(
      "Cannot make a cluster view of this statement",
    );
  });

  it("keeps columns, partitions and sorting key, and shards the Distributed table by the sorting key", () => {
    const [, events] = clickhouseDdl("db");
    const t = clusterTable(events as string, "db", "main");
    expect(t.createReplicated).toMatch(/\(\s*id String, type String,[\s\S]+day Date\s*\) ENGINE/);
    expect(t.createReplicated).toMatch(/\) PARTITION BY toYYYYMM\(day\) ORDER BY \(id\)$/);
    expect(t.createDistributed).toBe(
      "CREATE TABLE IF NOT EXISTS db.events_distributed ON CLUSTER main AS db.events ENGINE = Distributed(main, db, events, cityHash64(id))",
    );
  });

  it("passes a version column on and takes a bare sorting key", () => {
    const state = clusterTable(
      `CREATE TABLE IF NOT EXISTS monitor_state (monitor_id String, scope_key String, updated_ms Int64, state String)
    ENGINE = ReplacingMergeTree(updated_ms) ORDER BY (monitor_id, scope_key)`,
      "db",
      "main",
    );
    expect(state.createReplicated).toContain(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/monitor_state', '{replica}', updated_ms) ORDER BY (monitor_id, scope_key)",
    );
    expect(state.createDistributed).toContain("cityHash64(monitor_id, scope_key)");
    const alerts = clusterTable(
      "CREATE TABLE IF NOT EXISTS alert_events (id String, at_ms Int64) ENGINE = ReplacingMergeTree() ORDER BY id",
      "db",
      "main",
    );
    expect(alerts.createDistributed).toContain("cityHash64(id))");
  });

  it("refuses a statement it cannot rewrite, and a cluster name that is no identifier", () => {
    expect(() => clusterTable("CREATE TABLE IF NOT EXISTS t (a Int64) ENGINE = Memory", "db", "main")).toThrow(
      "Cannot make a cluster table of this statement",
    );
    expect(() => clusterName("main; DROP TABLE x")).toThrow(
      "Expected `clickhouseCluster` to be a cluster name from the server's remote_servers",
    );
    expect(clusterName("main_2")).toBe("main_2");
  });

  it("reads the cluster of a Distributed engine", () => {
    expect(distributedCluster("Distributed(main, db, events, cityHash64(id))")).toBe("main");
    expect(distributedCluster("ReplicatedReplacingMergeTree('/p', '{replica}')")).toBeUndefined();
  });
});
