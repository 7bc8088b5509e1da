// The benchmark inside workerd: GET /?full=1&filter=TEXT runs the suite and answers its JSON record.
import { load } from "../dist/entry/workerd.js";
import { runSuite } from "./suite.js";

export default {
  async fetch(request) {
    if (request.method === "HEAD") return new Response(null);
    const params = new URL(request.url).searchParams;
    const record = await runSuite({
      load,
      runtime: { name: "workerd", version: params.get("version") ?? undefined },
      full: params.get("full") === "1",
      filter: params.get("filter") ?? undefined,
      variant: params.get("variant") ?? undefined,
    });
    return Response.json(record);
  },
};
