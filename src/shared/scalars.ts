/** The contract's scalars: Decimal (money as "33.00"), DateTimeISO and JSONObject, with its descriptions. */
import { GraphQLScalarType, Kind } from "graphql";
import { GraphQLDateTimeISO, GraphQLJSONObject } from "graphql-scalars";
import { badUserInput } from "./errors.js";
import { formatMoney, Money } from "./money.js";

/**
 * Output: any decimal as a string with two places. Input: the text as given (a string, or a JSON
 * number by its shortest text form); services parse it with parseMoney and answer an
 * InvalidOrderInputError naming the field when it is not a decimal.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: "Decimal",
  description: 'A money amount as a decimal string with exactly two decimal places, e.g. "33.00". Never a float.',
  serialize(value) {
    if (
      value instanceof Money ||
      typeof value === "string" ||
      (value && typeof value === "object" && "toFixed" in value)
    ) {
      return formatMoney(value as Money);
    }
    throw new TypeError("Decimal cannot represent this value");
  },
  parseValue(value) {
    if (typeof value === "string") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    throw badUserInput('Decimal must be a string such as "12.30".');
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
    throw badUserInput('Decimal must be a string such as "12.30".');
  },
});

const dateTime = GraphQLDateTimeISO.toConfig();

/** graphql-scalars' DateTimeISO (its parsing and checks), with a direct path for the Dates the server writes. */
export const DateTimeISOScalar = new GraphQLScalarType({
  ...dateTime,
  description: 'An ISO-8601 timestamp in UTC, e.g. "2020-01-10T14:17:24.099Z".',
  serialize: (value) =>
    value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : dateTime.serialize!(value),
});

/** graphql-scalars' JSONObject. */
export const JSONObjectScalar = new GraphQLScalarType({
  ...GraphQLJSONObject.toConfig(),
  description: "A JSON object.",
});
