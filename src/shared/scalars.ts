/** The contract's scalars: Decimal (money as "33.00"), DateTimeISO and JSONObject. */
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
    if (value instanceof Money || typeof value === "string" || (value && typeof value === "object" && "toFixed" in value)) {
      return formatMoney(value as { toString(): string });
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

export { GraphQLDateTimeISO as DateTimeISOScalar, GraphQLJSONObject as JSONObjectScalar };
