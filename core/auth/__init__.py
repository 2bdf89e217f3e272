"""People, memberships, roles, permissions and API tokens."""
