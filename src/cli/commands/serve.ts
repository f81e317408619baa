import type { Command } from '../command.js';

export const serve: Command = {
  name: 'serve',
  section: 'Other',
  summary: 'the MCP server over stdio (same as npm start)',
  usage: '',
  details:
    'stdout carries the MCP protocol; logs go to stderr. Background runs (run_phase wait:false)\n' +
    'live in this process: they end, recorded as cancelled, when the server exits. See docs/mcp.md.',
  options: {},
  json: false,
  async run() {
    const { serveStdio } = await import('../../mcp/stdio.js');
    await serveStdio();
  },
};
