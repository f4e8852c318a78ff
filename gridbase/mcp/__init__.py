"""The MCP (Model Context Protocol) server for AI agents, on the official `mcp` SDK:
tools.py (which tools a caller sees, and what each does), server.py (the SDK server and
who is calling), http.py (streamable HTTP at /mcp, mounted by app.py) and stdio.py
(`gridbase mcp --token KEY`). May import api (renderers), core, openapi."""
