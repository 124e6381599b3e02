/** The contract's scalars: Decimal (money as "33.00"), DateTimeISO and JSONObject, with its descriptions. */
import { GraphQLScalarType, Kind } from "graphql";
import { GraphQLDateTimeISO, GraphQLJSONObject } from "graphql-scalars";
import { InputValueError } from "./errors.js";
import { formatMoney, Money, MONEY_TEXT } from "./money.js";

/** What a money input that is not an amount is told. */
export const MONEY_INPUT_MESSAGE =
  'A money amount is a string of digits with at most two decimal places and an optional leading minus, e.g. "12.30" or "-5".';

/**
 * Output: any decimal as a string with two places. Input: a string that is MONEY_TEXT, taken
 * exactly (never rounded); anything else, JSON numbers included, is refused as BAD_USER_INPUT
 * before the operation runs. Services still parse it with parseMoney (and check its range).
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: "Decimal",
  description:
    'A money amount as a decimal string with exactly two decimal places, e.g. "33.00". Never a float.\n\n' +
    'As input: a string of digits with at most two decimal places and an optional leading minus ("12", "12.3", ' +
    '"-5.00"), taken exactly. Refused (BAD_USER_INPUT, naming the field): JSON numbers, more than two decimal ' +
    'places ("5.555"), exponents ("1e1"), a "+", a missing integer part (".5") or fraction ("5."), spaces and ' +
    "separators.",
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
    if (typeof value === "string" && MONEY_TEXT.test(value)) return value;
    throw new InputValueError(MONEY_INPUT_MESSAGE);
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING && MONEY_TEXT.test(ast.value)) return ast.value;
    throw new InputValueError(MONEY_INPUT_MESSAGE);
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
