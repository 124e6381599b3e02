// Transition rules for the benchmark's status scenario: the default table, plus HOLD -> CREATED so
// that changeOrderStatus can go back and forth (ORDER_RULES=bench/rules.js).
const { DEFAULT_TRANSITIONS } = require("../dist/orders/status.js");

exports.rules = { transitions: { ...DEFAULT_TRANSITIONS, HOLD: [...DEFAULT_TRANSITIONS.HOLD, "CREATED"] } };
