/**
 * ORDER_RULES=<module>: a shop's own transition rules without touching the code. The module
 * exports `rules` (or a default export): an OrderRules, or the parts of one to merge with the
 * defaults (see README, "Custom transition rules").
 */
import path from "node:path";
import { ConfigError } from "../config.js";
import { defineOrderRules, DEFAULT_RULES, ORDER_STATUSES, type OrderRules } from "./status.js";

export async function loadOrderRules(modulePath: string | undefined): Promise<OrderRules> {
  if (!modulePath?.trim()) return DEFAULT_RULES;
  const file = path.resolve(modulePath.trim());
  let mod: Record<string, unknown>;
  try {
    // A shop's own CommonJS module, named at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file);
  } catch (e) {
    throw new ConfigError(`ORDER_RULES: cannot load ${file}: ${(e as Error).message}`);
  }
  const parts = (mod.rules ?? mod.default ?? mod) as Partial<OrderRules>;
  const rules = defineOrderRules(parts);
  for (const [from, targets] of Object.entries(rules.transitions)) {
    if (!ORDER_STATUSES.includes(from as never) || !(targets ?? []).every((t) => ORDER_STATUSES.includes(t))) {
      throw new ConfigError(`ORDER_RULES: the transition table names an unknown status (from ${from})`);
    }
  }
  if (!rules.payable.every((s) => ORDER_STATUSES.includes(s)))
    throw new ConfigError(`ORDER_RULES: payable names an unknown status`);
  if (!rules.rules.every((r) => typeof r === "function")) throw new ConfigError(`ORDER_RULES: rules must be functions`);
  return rules;
}
