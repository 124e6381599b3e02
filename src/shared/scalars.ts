/** The contract's scalars: Decimal (money as "33.00"), DateTimeISO and JSONObject, with its descriptions. */
import { GraphQLScalarType, Kind } from "graphql";
import { GraphQLDateTimeISO, GraphQLJSONObject } from "graphql-scalars";
import { InputValueError } from "./errors.js";
import { formatMoney, Money, MONEY_TEXT } from "./money.js";

/**
 * An amount exactly as formatMoney writes it: two places, no leading zero but the units', no "-0.00"
 * (PostgreSQL's text of a numeric(18,2) is this).
 */
const MONEY_CANONICAL = /^(?:-?[1-9]\d*\.\d\d|0\.\d\d|-0\.(?:0[1-9]|[1-9]\d))$/;

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
    // Text already as formatMoney writes it (a decimal(18,2) column read as text: history pages) goes as it is.
    if (typeof value === "string" && MONEY_CANONICAL.test(value)) return value;
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

/**
 * Date#toISOString's own form (years 0000–9999): what graphql-scalars answers for any value it takes.
 * A string in it goes as it is. Only the server's reads hand the scalar strings, PostgreSQL's to_char
 * of a timestamptz it holds (history pages), so such a string names a real time (no February 30th).
 */
const ISO_CANONICAL = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * graphql-scalars' DateTimeISO (its parsing and checks), with direct paths for the Dates the server
 * writes and for times already written as their toISOString (history pages read them as text).
 */
export const DateTimeISOScalar = new GraphQLScalarType({
  ...dateTime,
  description: 'An ISO-8601 timestamp in UTC, e.g. "2020-01-10T14:17:24.099Z".',
  serialize: (value) =>
    value instanceof Date && !Number.isNaN(value.getTime())
      ? value.toISOString()
      : typeof value === "string" && ISO_CANONICAL.test(value)
        ? value
        : dateTime.serialize!(value),
});

/** graphql-scalars' JSONObject. */
export const JSONObjectScalar = new GraphQLScalarType({
  ...GraphQLJSONObject.toConfig(),
  description: "A JSON object.",
});
