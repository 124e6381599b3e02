import { print } from "graphql";
import { BenchAllOrdersDocument } from "/work/main/test/generated/graphql.ts";
const tok = process.argv[2];
const r = await fetch("http://127.0.0.1:4555/graphql", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tok}` }, body: JSON.stringify({ query: print(BenchAllOrdersDocument), variables: { first: 100 } }) });
const t = await r.text(); console.log("project bytes", t.length); console.log(t.slice(0, 700));
const f = await fetch("http://127.0.0.1:4556/all", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tok}` }, body: JSON.stringify({ first: 100 }) });
const ft = await f.text(); console.log("floor bytes", ft.length); console.log(ft.slice(0, 700));
