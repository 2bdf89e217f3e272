"""约稿: commissioned requests an upper level sends to its children, and their answers."""
