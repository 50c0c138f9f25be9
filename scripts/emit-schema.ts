/** Writes schema.graphql from the type-graphql schema (run by `npm run build`). */
import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { printAppSchema } from "../src/schema";

const out = resolve(__dirname, "..", "..", "schema.graphql");
writeFileSync(out, printAppSchema());
console.log(`wrote ${out}`);
