/**
 * Writes what the server's code defines for clients (run by `npm run build`): schema.graphql, and
 * client/possible-types.json for clients with a normalized cache. Tests fail when either drifts.
 */
import fs from "node:fs";
import path from "node:path";
import { printPossibleTypesFile, printSchemaFile } from "./schema.js";

const root = path.resolve(__dirname, "..");
for (const [name, text] of [
  ["schema.graphql", printSchemaFile()],
  ["client/possible-types.json", printPossibleTypesFile()],
] as const) {
  const file = path.join(root, name);
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    console.log(`wrote ${name}`);
  }
}
