/** Rule 12, ERP: no connection syncs by itself or keeps its key. */
import { check, countWhere, offendingRows, type ContractRule } from "./rule";


const CHANGE_LABELS: Record<string, string> = { "erp_connection.auto_sync": "ERP connections whose automatic sync was stopped", "erp_connection.api_key": "ERP API keys removed" };

export const erpRule: ContractRule = {
  rule: 12,
  title: "ERP",
  copy(table) {
    if (table.name !== "erp_connection") return undefined;
    return {
      columns: { auto_sync: "false", api_key: "NULL::text" },
      changes: [
        { rule: 12, key: "erp_connection.auto_sync", aggregate: countWhere("auto_sync") },
        { rule: 12, key: "erp_connection.api_key", aggregate: countWhere("api_key IS NOT NULL") },
      ],
    };
  },
  preview: () => [{ table: "erp_connection", key: "erp_connection.stopped", aggregate: countWhere("auto_sync OR api_key IS NOT NULL") }],
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(12, "ERP connections do not sync and have no key", (c) =>
      offendingRows(
        c,
        `SELECT format('erp_connection %s: auto_sync=%s api_key set=%s', id, auto_sync::text, (api_key IS NOT NULL)::text) AS o FROM erp_connection WHERE auto_sync OR api_key IS NOT NULL`,
      ),
    ),
  ],
};
