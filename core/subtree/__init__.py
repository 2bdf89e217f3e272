"""Managing the subtree: an ancestor's admin (``core.subtree.manage``) sees its
descendants as a tree, enables or disables plugins and sets a descendant's own layer of
settings (the same service code as the CLI's ``plugins enable --under`` and the
tenant's own settings page), and on enabling grants the plugin's roles to chosen users
of that tenant. Every change is audited in the changed tenant's chain."""
