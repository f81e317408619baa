/** Logging for both faces: stderr only (stdout belongs to the MCP protocol when serving). */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export type LogFn = (level: LogLevel, message: string) => void;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export function stderrLogger(
  minLevel: LogLevel = (process.env.WV_MMM_LOG_LEVEL as LogLevel) || 'info',
): LogFn {
  const min = ORDER[minLevel] ?? 1;
  return (level, message) => {
    if (ORDER[level] >= min) process.stderr.write(`[wv-mmm] ${level}: ${message}\n`);
  };
}

export const silentLogger: LogFn = () => {};
