/** Writes schema.graphql from the code (run by `npm run build`). */
import fs from "node:fs";
import path from "node:path";
import { printSchemaFile } from "./schema.js";

const file = path.resolve(__dirname, "..", "schema.graphql");
const text = printSchemaFile();
if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
  fs.writeFileSync(file, text);
  console.log("wrote schema.graphql");
}
