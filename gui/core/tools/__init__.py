"""Tools from MCP servers (Qt-free): their configuration, connections and the tool box
the chat turn offers to a model. See gui/core/tool_loop.py for the loop that runs calls."""
