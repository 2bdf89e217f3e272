"""Feature plugins, one package each. A plugin never imports another plugin."""
