/**
 * JSON-RPC errors as the client should read them, for every request handler of the server
 * (server.ts wraps them once all are registered):
 *
 * - An McpError's message already starts with "MCP error <code>: ", and the client adds the prefix
 *   again when it rebuilds the error ("MCP error -32602: MCP error -32602: Invalid arguments for
 *   prompt phase_review"): the message goes out without it.
 * - Request parameters the SDK's schema refuses (`tools/call` with `arguments: [1, 2]`,
 *   `resources/read {}`, `logging/setLevel {level: "verbose"}`) came back as -32603 Internal error
 *   with the validator's issues as a JSON dump: they are -32602 Invalid params, in a sentence
 *   naming each bad parameter.
 * - `tools/call` naming a tool the server does not have came back as a tool result with isError
 *   (the SDK turns its own "Tool x not found" into one): the MCP spec lists an unknown tool as a
 *   protocol error, so it is -32602 naming the tools there are.
 *
 * The SDK sends a thrown error's `code` and `message` as they are.
 */
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export class ProtocolFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolFailure';
  }
}

interface SchemaIssue {
  path?: readonly PropertyKey[];
  message?: string;
}

/** The error a request handler's failure goes out as (module comment); others unchanged. */
export function protocolError(err: unknown, method: string): unknown {
  if (err instanceof McpError) {
    return new ProtocolFailure(err.code, err.message.replace(/^MCP error -?\d+: /, ''));
  }
  const issues = (err as { issues?: unknown } | null)?.issues;
  // zod's error need not be an Error instance, and zod mini's is named $ZodError: recognised by
  // its name and its issues.
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && /ZodError$/.test(name) && Array.isArray(issues)) {
    const words = (issues as SchemaIssue[]).map((i) => {
      const where = (i.path ?? []).map(String).join('.');
      return `${where === '' ? 'the request' : where}: ${i.message ?? 'invalid'}`;
    });
    return new ProtocolFailure(
      ErrorCode.InvalidParams,
      `invalid ${method} request: ${words.join('; ')}`,
    );
  }
  return err;
}

type Handler = (request: unknown, extra: unknown) => Promise<unknown>;

/** The -32602 answer to `tools/call` for a tool the server does not have (module comment). */
export function unknownToolError(name: string, tools: readonly string[]): ProtocolFailure {
  return new ProtocolFailure(
    ErrorCode.InvalidParams,
    `unknown tool ${JSON.stringify(name)}; the tools are ${tools.join(', ')} (tools/list gives their arguments)`,
  );
}

/**
 * Wraps every request handler registered on the SDK server so far with protocolError, and refuses
 * a `tools/call` for a name not in `tools` before the SDK's handler sees it. Reads the
 * SDK's handler map (a private field of its Protocol class; server.ts wraps initialize the same
 * way): a test (tests/mcp-protocol-errors.test.ts) fails if a later SDK moves it.
 */
export function wrapRequestErrors(sdkServer: object, tools: readonly string[]): void {
  const handlers = (sdkServer as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  if (!(handlers instanceof Map)) {
    throw new Error('the MCP SDK server has no request handler map to wrap (SDK changed?)');
  }
  for (const [method, handler] of handlers) {
    handlers.set(method, async (request, extra) => {
      if (method === 'tools/call') {
        // A name that is not a string is left to the SDK's schema check (-32602 as above).
        const name = (request as { params?: { name?: unknown } } | null)?.params?.name;
        if (typeof name === 'string' && !tools.includes(name)) throw unknownToolError(name, tools);
      }
      try {
        return await handler(request, extra);
      } catch (err) {
        throw protocolError(err, method);
      }
    });
  }
}
