/**
 * package.json's `engines` is honest: the Node versions that the server's own runtime, Prisma,
 * supports (it excludes 21 and 23), and README says the same.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const json = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
/** "^20.19 || >=24.0" → "^20.19.0 || >=24.0.0" */
const normalized = (range: string) =>
  range
    .split("||")
    .map((part) => part.trim().replace(/(\d+(?:\.\d+)*)/, (v) => [...v.split("."), "0", "0"].slice(0, 3).join(".")))
    .join(" || ");

describe("engines", () => {
  it("is the range of Node versions Prisma supports, and README says it", () => {
    const ours: string = json("package.json").engines.node;
    for (const pkg of ["prisma", "@prisma/client"])
      expect(ours, pkg).toBe(normalized(json(`node_modules/${pkg}/package.json`).engines.node));
    expect(fs.readFileSync(path.join(root, "README.md"), "utf8")).toContain(`\`${ours}\``);
  });
});
