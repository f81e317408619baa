/**
 * The text of a tool call whose arguments the input schema refuses. The SDK (1.32.2) writes each
 * zod issue as "<message> at <path>", one a line: a value that fails two checks with one message
 * (`folds: 1e308` is neither an integer nor at most 10) read "folds must be an integer from 2 to
 * 10 at folds" twice. Here each line is written once, and " at <path>" is left out when the
 * message already starts with that path (it stays where it says more: "... at bounds[0]").
 */
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_META_KEY, isRetryable, type ErrorCode as ToolErrorCode } from './results.js';

interface Issue {
  path?: readonly PropertyKey[];
  message?: string;
}

/** The SDK's path form: `a.b[0].c` (zod-compat getDotPath). */
function dotPath(path: readonly PropertyKey[]): string {
  return path
    .map((seg, i) =>
      typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`,
    )
    .join('');
}

/** The issues as lines: the path appended where the message does not start with it, no repeats. */
export function formatInputIssues(issues: readonly Issue[]): string {
  const lines = issues.map((i) => {
    const message = i.message ?? 'invalid';
    if (!i.path?.length) return message;
    const where = dotPath(i.path);
    const named = message.startsWith(where) && !/^[\w[\]]/.test(message.slice(where.length));
    return named ? message : `${message} at ${where}`;
  });
  return [...new Set(lines)].join('\n');
}

type Validate = (tool: unknown, args: unknown, toolName: string) => Promise<unknown>;
interface SchemaLike {
  safeParseAsync?: (v: unknown) => Promise<{ success: boolean; error?: { issues?: Issue[] } }>;
}

/**
 * Rewrites the SDK's input-validation error of every tool call with formatInputIssues, same code
 * and prefix. Wraps McpServer's validateToolInput (private in its types; server.ts reaches other
 * SDK internals the same way): tests/mcp-errors.test.ts fails if a later SDK renames it.
 */
export function wrapToolInputErrors(mcpServer: object): void {
  const target = mcpServer as { validateToolInput?: Validate };
  const original = target.validateToolInput;
  if (typeof original !== 'function') {
    throw new Error('the MCP SDK server has no validateToolInput to wrap (SDK changed?)');
  }
  target.validateToolInput = async (tool, args, toolName) => {
    try {
      return await original.call(mcpServer, tool, args, toolName);
    } catch (err) {
      const schema = (tool as { inputSchema?: SchemaLike }).inputSchema;
      if (!(err instanceof McpError) || err.code !== ErrorCode.InvalidParams) throw err;
      if (typeof schema?.safeParseAsync !== 'function') throw err;
      // Parsed again only on a refusal: the SDK's error keeps no issues, only their text.
      const parsed = await schema.safeParseAsync(args ?? {});
      const issues = parsed.error?.issues;
      if (parsed.success || !issues?.length) throw err;
      throw new McpError(
        ErrorCode.InvalidParams,
        `Input validation error: Invalid arguments for tool ${toolName}: ${formatInputIssues(issues)}`,
      );
    }
  };
}

/**
 * The error results the SDK makes itself (a refused argument, before the tool runs; an output
 * the schema refuses) carry the same machine-readable reason as the tools' own (results.ts
 * fail): `invalid_argument` for arguments, `internal` otherwise. Wraps McpServer's
 * createToolError (as wrapToolInputErrors wraps validateToolInput; tests/mcp-errors.test.ts fails
 * if a later SDK renames it).
 */
export function wrapToolErrorResults(mcpServer: object): void {
  const target = mcpServer as { createToolError?: (message: string) => CallToolResult };
  const original = target.createToolError;
  if (typeof original !== 'function') {
    throw new Error('the MCP SDK server has no createToolError to wrap (SDK changed?)');
  }
  target.createToolError = (message: string) => {
    const result = original.call(mcpServer, message);
    const code: ToolErrorCode = /Input validation error|Invalid arguments for tool/.test(message)
      ? 'invalid_argument'
      : 'internal';
    return {
      ...result,
      _meta: { ...result._meta, [ERROR_META_KEY]: { code, retryable: isRetryable(code) } },
    };
  };
}
