// The TypeScript SDK's Streamable HTTP client against a gateway: initialize, list, a bash call with
// progress notifications, then end the session (DELETE).  Prints one JSON line of what it saw.
// Usage: node ts_client.mjs URL TOKEN
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "ts-sdk-test", version: "1.0.0" });
await client.connect(transport);
const out = { sessionId: transport.sessionId, server: client.getServerVersion(),
              protocolVersion: transport.protocolVersion };
const tools = await client.listTools();
out.tools = tools.tools.map((t) => t.name);
const progress = [];
const result = await client.callTool(
  { name: "bash", arguments: { command: "echo one; sleep 0.3; echo two" } },
  undefined,
  { onprogress: (p) => progress.push(p.message) },
);
out.text = result.content[0].text;
out.exitCode = result.structuredContent.exit_code;
out.progress = progress;
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
